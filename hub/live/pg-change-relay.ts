import { z } from 'zod';
import type { Database } from '../db/database.js';
import type { PgListener } from '../db/pg.js';
import { type ChangeFeed, type ChangeNotice, createChangeFeed } from './change-feed.js';

/** Notices of one process are sent together at most this often. */
export const RELAY_EVERY_MS = 100;

/** PostgreSQL refuses a notification payload of 8,000 bytes or more: notices go in smaller lots. */
const MAX_PAYLOAD_CHARS = 7000;

// Another process's notices arrive from the database: checked like any input.
const noticesSchema = z
  .array(
    z.strictObject({
      missionId: z.string().min(1).max(64),
      topic: z.enum(['events', 'link', 'directives', 'registry']),
    }),
  )
  .max(1000);

/** A change feed shared by every hub process on one PostgreSQL database. */
export interface RelayedChangeFeed extends ChangeFeed {
  close(): Promise<void>;
}

/** How the relay reaches the database. */
export interface ChangeRelayDeps {
  readonly db: Database;
  /** LISTENs to `channel` on a connection of its own (db/pg.ts, listenOn). */
  listen(channel: string, onPayload: (payload: string) => void): PgListener;
  readonly onError?: (error: unknown) => void;
}

/**
 * The change feed across hub processes: what one process's ingest commits reaches the open
 * dashboards of every process, through PostgreSQL's LISTEN/NOTIFY. Each process sends its notices
 * together every {@link RELAY_EVERY_MS} (one mission and topic once), and its own come back to it
 * through the database like the others'. The channel is named after the schema, so hubs sharing
 * a server in different schemas (tests) do not hear each other.
 */
export async function startPgChangeRelay(deps: ChangeRelayDeps): Promise<RelayedChangeFeed> {
  const local = createChangeFeed();
  const [row] = await deps.db.query<{ channel: string }>(
    `SELECT 'econsulat_changes_' || left(md5(current_schema()), 16) AS channel`,
  );
  const channel = row?.channel ?? 'econsulat_changes';
  const listener = deps.listen(channel, (payload) => {
    for (const notice of parsedNotices(payload)) local.publish(notice);
  });
  const pending = new Map<string, ChangeNotice>();
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> = Promise.resolve();
  const flush = () => {
    timer = undefined;
    const lots = inLots([...pending.values()]);
    pending.clear();
    sending = sending.then(async () => {
      for (const lot of lots) {
        await deps.db.query('SELECT pg_notify($1, $2)', [channel, lot]).catch(deps.onError);
      }
    });
  };
  return {
    publish(notice) {
      pending.set(`${notice.missionId} ${notice.topic}`, notice);
      timer ??= setTimeout(flush, RELAY_EVERY_MS);
    },
    subscribe: (listener) => local.subscribe(listener),
    get size() {
      return local.size;
    },
    async close() {
      if (timer) {
        clearTimeout(timer);
        flush();
      }
      await sending;
      await listener.close();
    },
  };
}

function parsedNotices(payload: string): ChangeNotice[] {
  try {
    const parsed = noticesSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** JSON arrays of notices, each under the payload limit. */
function inLots(notices: readonly ChangeNotice[]): string[] {
  const lots: string[] = [];
  let lot: ChangeNotice[] = [];
  for (const notice of notices) {
    lot.push(notice);
    if (JSON.stringify(lot).length > MAX_PAYLOAD_CHARS) {
      lot.pop();
      lots.push(JSON.stringify(lot));
      lot = [notice];
    }
  }
  if (lot.length > 0) lots.push(JSON.stringify(lot));
  return lots;
}
