import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { hubPaths } from '../hub/config/config.js';
import { loadHubIdentity } from '../hub/config/secrets.js';
import { openDatabase } from '../hub/db/open-database.js';
import { recordEnrolment } from '../hub/services/missions/enrol.js';
import { seedPerson } from '../hub/services/registry/builtin-registry.js';
import { LEGACY_COLUMNS } from '../hub/services/registry/legacy-register.js';
import { initHub, readHubConfig } from '../ops/commands/hub.js';
import { registerRegistryImportCommand } from '../ops/commands/registry-import.js';
import { Identity, ready } from '../protocol/index.js';
import { certify } from './_util/hub-fixtures.js';

const REGISTER = [
  'record_id;family_name;given_names;birth_date;birth_place;national_id;notes',
  'IMM-1998-001;Gbazoubangui;Anicet Parfait;01/12/1979;Bossangoa;CF-1979-004417;ancien registre',
  'IMM-1998-002;Yangoupandé;Prisca;30/06/1994;Bambari;;',
  'IMM-1998-003;;Sans Nom;1960;;;nom illisible',
  'IMM-1998-004;Ndoumba;Joséphine;03/1971;Kaga-Bandoro;;',
].join('\n');

let dir: string | undefined;
beforeAll(ready);
afterEach(async () => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A hub data directory with `fr-paris` enrolled and one person in its registry. */
async function hubWithMission(): Promise<{ config: string; root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'econsulat-import-'));
  dir = root;
  await initHub({ dir: join(root, 'hub'), httpPort: '0', mqttPort: '0', embeddedDatabase: 'pglite' });
  const configFile = join(root, 'hub', 'hub.json');
  const config = await readHubConfig(configFile);
  const hub = await loadHubIdentity(config);
  const db = await openDatabase({ dataDir: hubPaths(config).pglite });
  try {
    await recordEnrolment(db, hub.toPublic(), await certify(hub, Identity.generate('fr-paris')));
    await seedPerson(db, {
      nationalId: 'CF-1979-004417',
      givenNames: 'Anicet Parfait',
      familyName: 'Gbazoubangui',
    });
  } finally {
    await db.close();
  }
  return { config: configFile, root };
}

async function importRegister(...args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  const program = new Command().exitOverride();
  registerRegistryImportCommand(program.command('registry'));
  await program.parseAsync(['registry', 'import', ...args], { from: 'user' });
  vi.restoreAllMocks();
  return { out, err };
}

async function queued(configFile: string) {
  const db = await openDatabase({ dataDir: hubPaths(await readHubConfig(configFile)).pglite });
  try {
    return await db.query<{ record_id: string; origin: string; status: string }>(
      'SELECT record_id, origin, status FROM registry_submissions ORDER BY record_id',
    );
  } finally {
    await db.close();
  }
}

describe('econsulat registry import', () => {
  it('is a subcommand of econsulat registry whose help names every column read', async () => {
    const bin = new URL('../ops/bin/econsulat.js', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'registry', 'import', '--help'], {
      timeout: 120_000,
    });
    expect(stdout).toContain('Usage: econsulat registry import');
    expect(stdout).toContain(LEGACY_COLUMNS.join(', '));
  }, 120_000);

  it('queues the valid lines of a legacy register, decides them and writes the decisions', async () => {
    const { config, root } = await hubWithMission();
    const file = join(root, 'registre.csv');
    await writeFile(file, REGISTER);
    const decisions = join(root, 'decisions.jsonl');
    const base = ['--config', config, '--mission', 'fr-paris', '--file', file, '--delimiter', ';'];
    const first = await importRegister(...base, '--reconcile', '--out', decisions);
    expect(first.err).toMatch(/^line 4: familyName: /m);
    expect(first.out).toContain('4 line(s) read: 3 queued, 0 already queued, 1 refused');
    const lines = (await readFile(decisions, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.record_id, line.decision])).toEqual([
      ['IMM-1998-001', 'match'],
      ['IMM-1998-002', 'new'],
      ['IMM-1998-004', 'new'],
    ]);
    expect(lines[0]).toMatchObject({ national_id: 'CF-1979-004417', score: 1 });
    expect(lines[1].national_id).toMatch(/^CF-\d{9}-\d$/);

    const again = await importRegister(...base);
    expect(again.out).toContain('4 line(s) read: 0 queued, 3 already queued, 1 refused');
    expect((await queued(config)).map((row) => [row.record_id, row.origin])).toEqual([
      ['IMM-1998-001', 'import'],
      ['IMM-1998-002', 'import'],
      ['IMM-1998-004', 'import'],
    ]);
  }, 120_000);

  it('writes nothing under --strict when a line is refused, nor for a mission not enrolled', async () => {
    const { config, root } = await hubWithMission();
    const file = join(root, 'registre.csv');
    await writeFile(file, REGISTER);
    const strict = await importRegister(
      '--config',
      config,
      '--mission',
      'fr-paris',
      '--file',
      file,
      '--delimiter',
      ';',
      '--strict',
    );
    expect(strict.err).toContain('1 line(s) refused: nothing imported (--strict)');
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    const stranger = await importRegister(
      '--config',
      config,
      '--mission',
      'sn-dakar',
      '--file',
      file,
      '--delimiter',
      ';',
    );
    expect(stranger.err).toContain('no enrolled mission sn-dakar');
    expect(process.exitCode).toBe(1);
    expect(await queued(config)).toEqual([]);
  }, 120_000);
});
