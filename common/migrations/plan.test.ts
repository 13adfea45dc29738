import { describe, expect, it } from 'vitest';
import { MigrationErrorCode, SchemaTooNewError } from './errors.js';
import { type Migration, migrationChecksum } from './migration-files.js';
import { planMigrations } from './plan.js';

function migration(version: number, sql = `SELECT ${version};`): Migration {
  return { version, name: `m${version}`, sql, checksum: migrationChecksum(sql) };
}

const known = [migration(1), migration(2), migration(3)];
const applied = (version: number) => ({ version, checksum: migrationChecksum(`SELECT ${version};`) });

describe('planMigrations', () => {
  it('plans every migration for a new database', () => {
    expect(planMigrations(known, [])).toEqual({ pending: known, unrecorded: [], codeVersion: 3 });
  });

  it('plans only the migrations not applied yet', () => {
    const plan = planMigrations(known, [applied(1), applied(2)]);
    expect(plan.pending).toEqual([known[2]]);
    expect(plan.codeVersion).toBe(3);
  });

  it('plans nothing for a database at the code version', () => {
    expect(planMigrations(known, [applied(1), applied(2), applied(3)]).pending).toEqual([]);
  });

  it('lists the applied migrations recorded without a checksum, for the caller to record', () => {
    const plan = planMigrations(known, [{ version: 1, checksum: null }, applied(2)]);
    expect(plan.unrecorded).toEqual([known[0]]);
    expect(plan.pending).toEqual([known[2]]);
  });

  it('refuses a migration changed after it was applied', () => {
    const rewritten = [migration(1), migration(2, 'SELECT 22;'), migration(3)];
    expect(() => planMigrations(rewritten, [applied(1), applied(2)])).toThrow(
      expect.objectContaining({ code: MigrationErrorCode.Changed, message: expect.stringMatching(/2-m2/) }),
    );
  });

  it('refuses a database migrated by newer code, naming both versions', () => {
    const run = () =>
      planMigrations(known, [applied(1), applied(2), applied(3), { version: 4, checksum: 'x' }]);
    expect(run).toThrow(SchemaTooNewError);
    expect(run).toThrow(
      expect.objectContaining({
        code: MigrationErrorCode.DatabaseTooNew,
        databaseVersion: 4,
        codeVersion: 3,
      }),
    );
  });

  it('refuses a newer database before comparing checksums', () => {
    const rewritten = [migration(1, 'SELECT 11;')];
    expect(() => planMigrations(rewritten, [applied(1), { version: 2, checksum: 'x' }])).toThrow(
      SchemaTooNewError,
    );
  });
});
