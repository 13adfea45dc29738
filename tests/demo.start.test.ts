import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loginBearer } from './_util/processes/hub-database.js';

const bin = new URL('../ops/bin/econsulat.js', import.meta.url).pathname;

interface DemoFile {
  hub: {
    url: string;
    metricsToken: string;
    accounts: { username: string; roles: string[]; password: string; totpSecret: string }[];
  };
  missions: {
    id: string;
    url: string;
    ussdCallback: string;
    smsCallback: string;
    metricsToken: string;
    smsOutbox: string;
    visas: { kind: string; documentNumber: string; sealHex: string; pdf: string }[];
  }[];
  recoveryKey: string;
}

/** Starts `econsulat demo` and resolves when it has printed its summary. */
function startDemo(dir: string, portBase: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'demo', '--dir', dir, '--port-base', String(portBase)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    outputs.set(child, '');
    const output = () => outputs.get(child) ?? '';
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${output()}`)), 150_000);
    const onData = (chunk: Buffer) => {
      outputs.set(child, output() + chunk.toString());
      if (output().includes('Ctrl-C stops everything')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`demo exited with ${code}:\n${output()}`)));
  });
}

/** Ctrl-C; resolves with how the demo ended and what it printed (all of it, to explain a failure). */
function stop(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code, signal) => resolve(`exit ${code ?? signal}\n${outputs.get(child)}`));
    child.kill('SIGINT');
  });
}

const children = new Set<ChildProcess>();
const outputs = new Map<ChildProcess, string>();

describe('npm start (econsulat demo)', () => {
  let dir: string | undefined;
  afterAll(async () => {
    // A failed assertion must not leave a demo running.
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('starts a hub and two enrolled missions; a booking at a mission reaches the hub summary; each mission’s first off-site backup reaches the hub; Ctrl-C stops; a second start reuses the data and its recovery key', async () => {
    dir = await mkdtemp(join(tmpdir(), 'econsulat-demo-'));
    // Run as root, the hub's PostgreSQL runs as its own system user, which must pass through.
    await chmod(dir, 0o711);
    const portBase = 20_000 + Math.floor(Math.random() * 400) * 10;
    let child = await startDemo(dir, portBase);
    const demo = JSON.parse(await readFile(join(dir, 'demo.json'), 'utf8')) as DemoFile;
    expect(demo.missions.map((m) => m.id)).toEqual(['fr-paris', 'cm-yaounde']);
    const paris = demo.missions[0]!;
    // The specimens of issue 17: a visa and a laissez-passer, each its seal in hex and its PDF.
    expect(paris.visas.map((visa) => visa.kind)).toEqual(['visa', 'laissez_passer']);
    for (const visa of paris.visas) {
      expect(visa.sealHex).toMatch(/^DC03[0-9A-F]+$/);
      expect((await readFile(visa.pdf)).subarray(0, 5).toString()).toBe('%PDF-');
    }
    const account = demo.hub.accounts[0];
    if (!account) throw new Error('no hub account in demo.json');
    const bearer = await loginBearer(demo.hub.url, account);
    const summary = async () => {
      const response = await fetch(`${demo.hub.url}/api/v1/dashboard/summary`, {
        headers: bearer,
      });
      return (await response.json()) as {
        events: { byKind: Record<string, number> };
        missions: { total: number; online: number; backlog: number };
      };
    };
    // Both online, and nothing of the demo's seeded activity left to arrive: counted from here, one
    // more held booking is this test's.
    await expect
      .poll(async () => (await summary()).missions, { timeout: 30_000 })
      .toMatchObject({ online: 2, backlog: 0 });
    const before = (await summary()).events.byKind['appointment.held'] ?? 0;

    const slots = (await (
      await fetch(`${paris.url}/api/v1/slots?service=passport-renewal&from=${day(1)}&to=${day(20)}`)
    ).json()) as {
      slots: { start: string; remaining: number }[];
    };
    const slot = slots.slots.find((s) => s.remaining > 0);
    expect(slot).toBeDefined();
    const booking = await fetch(`${paris.url}/api/v1/appointments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        service: 'passport-renewal',
        slotStart: slot?.start,
        applicant: { givenNames: 'Prisca', familyName: 'Ndoukoua' },
        phone: '+33611223344',
        documentNumber: 'PA998877',
        lang: 'fr',
      }),
    });
    expect(booking.status).toBe(201);

    // The README's curl: the gateway's callback URL, its token included, from demo.json.
    const callback = new URLSearchParams({
      sessionId: '1',
      serviceCode: '*123#',
      phoneNumber: '+33612345678',
      text: '',
    });
    const menu = await fetch(paris.ussdCallback, { method: 'POST', body: callback });
    expect(menu.status).toBe(200);
    expect(await menu.text()).toMatch(/^CON /);
    const tokenless = await fetch(new URL('/ussd', paris.url), { method: 'POST', body: callback });
    expect(tokenless.status).toBe(403);
    // The SMS gateway's callback for received SMS (roll-call answers), its token included.
    const received = new URLSearchParams({ from: '+33612345678', text: '1', id: `demo-test-${portBase}` });
    const inbound = await fetch(paris.smsCallback, { method: 'POST', body: received });
    expect(inbound.status).toBe(200);
    expect(await inbound.json()).toEqual({ received: true, duplicate: false });
    const forged = await fetch(new URL(new URL(paris.smsCallback).pathname, paris.url), {
      method: 'POST',
      body: received,
    });
    expect(forged.status).toBe(401);
    for (const [url, token] of [
      [paris.url, paris.metricsToken],
      [demo.hub.url, demo.hub.metricsToken],
    ] as const) {
      const scraped = await fetch(new URL('/metrics', url), {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(scraped.status).toBe(200);
    }
    await expect
      .poll(async () => (await summary()).events.byKind['appointment.held'] ?? 0, { timeout: 15_000 })
      .toBe(before + 1);
    await expect
      .poll(() => readFile(paris.smsOutbox, 'utf8').catch(() => ''), { timeout: 10_000 })
      .toContain('+33611223344');

    // The missions' seeded registrations reach the hub's seeded registry; the close call waits for an officer.
    expect(demo.hub.accounts[0]?.roles).toContain('registry_officer');
    const reviewQueue = async () => {
      const response = await fetch(`${demo.hub.url}/api/v1/registry/queue?status=review`, {
        headers: bearer,
      });
      return (await response.json()) as { items: { missionId: string; candidates: number }[] };
    };
    await expect.poll(async () => (await reviewQueue()).items.length, { timeout: 60_000 }).toBeGreaterThan(0);
    const [closeCall] = (await reviewQueue()).items;
    expect(closeCall?.missionId).toBe('fr-paris');
    expect(closeCall?.candidates).toBeGreaterThan(0);

    // The recovery key was generated at setup, readable by its owner alone; the hub holds only its
    // public half, and every mission's first generation is stored there soon after the start.
    expect((await stat(demo.recoveryKey)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(demo.recoveryKey, 'utf8')).kind).toBe('econsulat-recovery-key');
    const offsiteBackups = async () => {
      const response = await fetch(`${demo.hub.url}/api/v1/missions`, { headers: bearer });
      const { missions } = (await response.json()) as {
        missions: { id: string; offsiteBackup: { generation: number } | null }[];
      };
      return Object.fromEntries(missions.map((m) => [m.id, m.offsiteBackup !== null]));
    };
    await expect
      .poll(offsiteBackups, { timeout: 90_000, interval: 1_000 })
      .toEqual({ 'fr-paris': true, 'cm-yaounde': true });
    const secret = await readFile(demo.recoveryKey, 'utf8');
    const hubConfig = await readFile(join(dir, 'hub', 'hub.json'), 'utf8');

    expect(await stop(child)).toMatch(/^exit 0\n/);
    child = await startDemo(dir, portBase);
    const again = JSON.parse(await readFile(join(dir, 'demo.json'), 'utf8')) as DemoFile;
    expect(again.hub.accounts[0]?.username).toBe(demo.hub.accounts[0]?.username);
    expect(again.recoveryKey).toBe(demo.recoveryKey);
    expect(again.missions[0]?.visas).toEqual(paris.visas);
    expect(await readFile(demo.recoveryKey, 'utf8')).toBe(secret);
    expect(await readFile(join(dir, 'hub', 'hub.json'), 'utf8')).toBe(hubConfig);
    expect(await stop(child)).toMatch(/^exit 0\n/);
  }, 300_000);
});

function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}
