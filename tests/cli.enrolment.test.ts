import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { enrolmentBundleSchema } from '../protocol/index.js';
import { econsulat } from './_util/processes/econsulat-cli.js';

describe('enrolling a mission with the command line', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('node init, hub init, hub enrol, node import-enrolment, audit verify', async () => {
    dir = await mkdtemp(join(tmpdir(), 'econsulat-cli-'));
    const mission = join(dir, 'mission');
    const hub = join(dir, 'hub');
    const init = await econsulat(
      'node',
      'init',
      '--mission',
      'sn-dakar',
      '--name',
      'Ambassade de la RCA à Dakar',
      '--dir',
      mission,
      '--region',
      'SN',
      '--currency',
      'XOF',
      '--time-zone',
      'Africa/Dakar',
    );
    expect(init).toMatch(/username\s+admin/);
    expect(init).toMatch(/otpauth:\/\/totp\//);
    expect((await stat(join(mission, 'keys', 'identity.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(mission, 'keys', 'data.key'))).mode & 0o777).toBe(0o600);
    // The gateway's and the scraper's tokens: generated, written to node.json (0600), printed once.
    const written = JSON.parse(await readFile(join(mission, 'node.json'), 'utf8'));
    expect((await stat(join(mission, 'node.json'))).mode & 0o777).toBe(0o600);
    expect(written.ussd.token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(written.metrics.token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(written.metrics.token).not.toBe(written.ussd.token);
    expect(init).toContain(`  https://127.0.0.1:8081/ussd?token=${written.ussd.token}\n`);
    expect(init).toContain(written.metrics.token);

    const hubInit = await econsulat('hub', 'init', '--dir', hub, '--embedded-database', 'pglite');
    const hubToken = JSON.parse(await readFile(join(hub, 'hub.json'), 'utf8')).metrics.token;
    expect(hubToken).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(hubInit).toContain(hubToken);
    const bundle = join(dir, 'bundle.json');
    expect(
      await econsulat(
        'hub',
        'enrol',
        '--config',
        join(hub, 'hub.json'),
        '--request',
        join(mission, 'enrolment-request.json'),
        '--out',
        bundle,
      ),
    ).toContain('enrolled sn-dakar');
    expect(
      enrolmentBundleSchema.parse(JSON.parse(await readFile(bundle, 'utf8'))).certificate.subject.partyId,
    ).toBe('sn-dakar');
    expect(
      await econsulat('node', 'import-enrolment', '--config', join(mission, 'node.json'), '--bundle', bundle),
    ).toContain('enrolled');
    expect(await econsulat('audit', 'verify', '--config', join(mission, 'node.json'))).toMatch(/OK/);
    // A request that is not self-signed is refused and writes nothing.
    await expect(
      econsulat(
        'hub',
        'enrol',
        '--config',
        join(hub, 'hub.json'),
        '--request',
        bundle,
        '--out',
        join(dir, 'nothing.json'),
      ),
    ).rejects.toThrow();
  }, 240_000);
});
