import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlParam } from '../hub/db/database.js';
import { openDatabase } from '../hub/db/open-database.js';
import { storeConfigOf } from '../hub/db/store-config.js';
import { readHubConfig } from '../ops/commands/hub.js';
import { readKeyFile, writeKeyFile } from '../ops/keys/key-file.js';
import { enrolmentBundleSchema, Identity, ready } from '../protocol/index.js';
import { runEconsulat } from './_util/processes/econsulat-cli.js';

const FINGERPRINT = /[A-Z2-7]{4}(?: [A-Z2-7]{4}){7}/;

/** Runs the command line; resolves with its output and exit code, whatever the code. */
const econsulat = (...args: string[]) => runEconsulat(args);

function fingerprintAfter(label: string, text: string): string {
  const line = text.split('\n').find((candidate) => candidate.includes(label));
  const found = line?.match(FINGERPRINT)?.[0];
  if (!found) throw new Error(`no ${label} in:\n${text}`);
  return found;
}

describe('a mission key for its whole life, with the command line', () => {
  let dir = '';
  const path = (...parts: string[]) => join(dir, ...parts);
  const hubConfig = () => path('hub', 'hub.json');
  const nodeInit = (name: string) =>
    econsulat(
      'node',
      'init',
      '--mission',
      'sn-dakar',
      '--name',
      'Ambassade à Dakar',
      '--dir',
      path(name),
      '--region',
      'SN',
      '--currency',
      'XOF',
    );
  const enrol = (request: string, out: string, ...extra: string[]) =>
    econsulat('hub', 'enrol', '--config', hubConfig(), '--request', request, '--out', out, ...extra);
  const importBundle = (name: string, bundle: string, ...extra: string[]) =>
    econsulat('node', 'import-enrolment', '--config', path(name, 'node.json'), '--bundle', bundle, ...extra);
  async function hubQuery<T>(sql: string, values: SqlParam[] = []): Promise<T[]> {
    const config = await readHubConfig(hubConfig());
    const db = await openDatabase(storeConfigOf(config));
    try {
      return await db.query<T>(sql, values);
    } finally {
      await db.close();
    }
  }

  beforeAll(async () => {
    await ready();
    dir = await mkdtemp(join(tmpdir(), 'econsulat-keys-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('enrols with fingerprints read by phone and refuses a bundle of another hub key', async () => {
    const init = await nodeInit('mission');
    expect(init.code).toBe(0);
    const missionFingerprint = fingerprintAfter('mission key fingerprint', init.stdout);
    expect((await econsulat('hub', 'init', '--dir', path('hub'), '--embedded-database', 'pglite')).code).toBe(
      0,
    );
    const enrolled = await enrol(path('mission', 'enrolment-request.json'), path('bundle.json'));
    expect(enrolled.code).toBe(0);
    // The ministry reads back the mission's fingerprint: it is the one node init printed.
    expect(fingerprintAfter('mission key fingerprint', enrolled.stdout)).toBe(missionFingerprint);
    const hubFingerprint = fingerprintAfter('hub key fingerprint', enrolled.stdout);

    const notAFingerprint = await importBundle('mission', path('bundle.json'), '--expect-hub', 'ZUWA L2MH');
    expect(notAFingerprint.code).toBe(1);
    expect(notAFingerprint.stderr).toContain('--expect-hub is a fingerprint');
    const wrongHub = 'AAAA BBBB CCCC DDDD EEEE FFFF GGGG HHHH';
    const refused = await importBundle('mission', path('bundle.json'), '--expect-hub', wrongHub);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`not the expected ${wrongHub}`);
    // Typed by a person: case and dashes do not matter.
    const typed = hubFingerprint.toLowerCase().replaceAll(' ', '-');
    const imported = await importBundle('mission', path('bundle.json'), '--expect-hub', typed);
    expect(imported.code).toBe(0);
    expect(fingerprintAfter('hub key fingerprint', imported.stdout)).toBe(hubFingerprint);
  }, 240_000);

  it('refuses an enrolment request for a mission id already enrolled', async () => {
    expect((await nodeInit('impostor')).code).toBe(0);
    const refused = await enrol(path('impostor', 'enrolment-request.json'), path('impostor-bundle.json'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('mission_exists');
    await expect(stat(path('impostor-bundle.json'))).rejects.toThrow();
  }, 240_000);

  it('rotates the key by hand: the hub checks the old key id, the node puts the new key in force', async () => {
    const old = await readKeyFile(path('mission', 'keys', 'identity.key'));
    // A new key left by a rotation that crashed before it recorded anything: never sent, it goes.
    const stale = Identity.generate('sn-dakar');
    await writeKeyFile(path('mission', 'keys', 'identity.next.key'), stale);
    const rotated = await econsulat('node', 'rotate-keys', '--config', path('mission', 'node.json'));
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(old.keyId);
    expect(rotated.stdout).toContain(`${stale.keyId} was never sent: discarded`);
    expect((await readKeyFile(path('mission', 'keys', 'identity.next.key'))).keyId).not.toBe(stale.keyId);
    const request = path('mission', 'key-rotation-request.json');
    // Run again after a crash that lost the request file: the same request, written again.
    const original = await readFile(request, 'utf8');
    await rm(request);
    const again = await econsulat('node', 'rotate-keys', '--config', path('mission', 'node.json'));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already under way');
    expect(await readFile(request, 'utf8')).toBe(original);

    const withoutRotate = await enrol(request, path('rotation.json'));
    expect(withoutRotate.code).toBe(1);
    const notAKeyId = await enrol(
      request,
      path('rotation.json'),
      '--rotate',
      '--expect-old-key',
      'my-old-key',
    );
    expect(notAKeyId.code).toBe(1);
    expect(notAKeyId.stderr).toContain('error (usage): --expect-old-key is a key id');
    const wrongKey = await enrol(
      request,
      path('rotation.json'),
      '--rotate',
      '--expect-old-key',
      'f'.repeat(32),
    );
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('key_mismatch');
    const certified = await enrol(request, path('rotation.json'), '--rotate', '--expect-old-key', old.keyId);
    expect(certified.code).toBe(0);

    const imported = await importBundle('mission', path('rotation.json'));
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('new key');
    const current = await readKeyFile(path('mission', 'keys', 'identity.key'));
    const bundle = enrolmentBundleSchema.parse(JSON.parse(await readFile(path('rotation.json'), 'utf8')));
    expect(current.keyId).toBe(bundle.certificate.subject.keyId);
    expect(current.keyId).not.toBe(old.keyId);
    // The old key is kept, retired, never silently deleted.
    expect((await readKeyFile(path('mission', 'keys', `identity.${old.keyId}.retired.key`))).keyId).toBe(
      old.keyId,
    );

    const revocations = await hubQuery<{ reason: string; last_seq: number | string | null }>(
      'SELECT reason, last_seq FROM key_revocations WHERE key_id = $1',
      [old.keyId],
    );
    // The node never sent anything: the rotation request itself is sequence 1, the old key's last.
    expect(revocations.map((row) => [row.reason, Number(row.last_seq)])).toEqual([['superseded', 1]]);
    const audit = await hubQuery<{ action: string }>(
      "SELECT action FROM hub_audit_log WHERE entity_id = 'sn-dakar'",
    );
    expect(audit.map((row) => row.action)).toEqual(['mission.key-rotated']);
  }, 240_000);

  it('upgrades a retired mission to compromised', async () => {
    const retired = await econsulat('hub', 'revoke', '--config', hubConfig(), '--mission', 'sn-dakar');
    expect(retired.code).toBe(0);
    expect((await econsulat('hub', 'revoke', '--config', hubConfig(), '--mission', 'sn-dakar')).code).toBe(1);
    const upgraded = await econsulat(
      'hub',
      'revoke',
      '--config',
      hubConfig(),
      '--mission',
      'sn-dakar',
      '--compromised',
    );
    expect(upgraded.code).toBe(0);
    const reasons = await hubQuery<{ reason: string }>(
      "SELECT DISTINCT reason FROM key_revocations WHERE mission_id = 'sn-dakar'",
    );
    // Both the key in force and the one the rotation superseded: nothing they sealed counts now.
    expect(reasons).toEqual([{ reason: 'compromised' }]);
  }, 240_000);

  it('enrols a revoked mission again only on a ministry decision, recorded in the audit log', async () => {
    const request = path('impostor', 'enrolment-request.json');
    const refused = await enrol(request, path('again.json'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('mission_revoked');
    const noDecision = await enrol(request, path('again.json'), '--after-revocation', '--decision', ' ');
    expect(noDecision.code).toBe(1);
    expect(noDecision.stderr).toContain('--decision names the decision');
    const decided = await enrol(
      request,
      path('again.json'),
      '--after-revocation',
      '--decision',
      'MAE/SG/2026-114',
      '--officer',
      'a.ndjoli',
    );
    expect(decided.code).toBe(0);
    const [mission] = await hubQuery<{ revoked_at: Date | null }>(
      "SELECT revoked_at FROM missions WHERE id = 'sn-dakar'",
    );
    expect(mission?.revoked_at).toBeNull();
    const [entry] = await hubQuery<{ actor: string; after: { decision: string } }>(
      "SELECT actor, after FROM hub_audit_log WHERE action = 'mission.re-enrolled' AND entity_id = 'sn-dakar'",
    );
    expect(entry).toMatchObject({ actor: 'officer:a.ndjoli', after: { decision: 'MAE/SG/2026-114' } });
    expect((await importBundle('impostor', path('again.json'))).code).toBe(0);
  }, 240_000);
});
