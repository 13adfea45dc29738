import { ready } from '../../protocol/index.js';
import { type DataKeys, dataKeyFingerprint, deriveDataKeys } from '../crypto/data-keys.js';
import { closeCommitGroup } from './commit-group.js';
import { type Db, openDatabase } from './db.js';
import { StoreError, StoreErrorCode } from './errors.js';
import { type Migration, migrate } from './migrate.js';
import { immediateTransaction } from './transaction.js';

/** The node's database and the keys that protect its personal data: what every service receives. */
export interface Store {
  readonly db: Db;
  readonly keys: DataKeys;
  /** Closes the database (SQLite checkpoints the WAL into the file when the last connection closes). */
  close(): void;
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** Path of the .sqlite file (`:memory:` for throwaway use). */
  readonly path: string;
  /** The 32-byte data key, from {@link loadDataKey} in production. */
  readonly dataKey: Uint8Array;
  /** Overrides the release's migrations (tests). */
  readonly migrations?: readonly Migration[];
}

const FINGERPRINT_SETTING = 'data_key.fingerprint';

/**
 * Opens the database, brings its schema up to date and checks that the data key is the one the
 * database was first opened with. Throws {@link StoreError} (`database_too_new`, `wrong_data_key`, …).
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  await ready();
  const keys = deriveDataKeys(options.dataKey);
  const db = openDatabase(options.path);
  try {
    migrate(db, options.migrations);
    assertDataKey(db, keys);
  } catch (error) {
    db.close();
    throw error;
  }
  const close = () => {
    // The WAL file's descriptor, kept for the flushes, closes once the flushes owed have finished;
    // a descriptor that fails to close has nothing left to lose.
    closeCommitGroup(db).catch(() => undefined);
    db.close();
  };
  return { db, keys, close };
}

// A database opened with the wrong key would store new fields that no one can ever read beside
// old ones that no longer open: refuse at start, naming the cause.
function assertDataKey(db: Db, keys: DataKeys): void {
  const fingerprint = dataKeyFingerprint(keys);
  immediateTransaction(db, () => {
    const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(FINGERPRINT_SETTING) as
      | { value: string }
      | undefined;
    if (row === undefined) {
      db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run(
        FINGERPRINT_SETTING,
        fingerprint,
        new Date().toISOString(),
      );
    } else if (row.value !== fingerprint) {
      throw new StoreError(
        StoreErrorCode.WrongDataKey,
        'this database was created with another data key: check the key file (a restored backup needs its own key)',
      );
    }
  });
}
