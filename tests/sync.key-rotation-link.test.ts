import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataKey } from '../node/crypto/key-file.js';
import { openStore } from '../node/db/store.js';
import { loadTrustMaterial } from '../node/link/trust-material.js';
import { readHubConfig } from '../ops/commands/hub.js';
import { readNodeConfig } from '../ops/commands/node.js';
import { readKeyFile } from '../ops/keys/key-file.js';
import { ready } from '../protocol/index.js';
import { freePort } from './_util/free-port.js';
import { scrapeUrl } from './_util/metrics-scrape.js';
import { econsulat } from './_util/processes/econsulat-cli.js';
import { connectAs, metricSample } from './_util/rogue-client.js';

const bin = new URL('../ops/bin/econsulat.js', import.meta.url).pathname;

interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<unknown>;
}

/** `econsulat <args>` as its own process; resolves once it printed `readyText`. */
function start(args: string[], readyText: string): Promise<Running> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(readyText)) {
        clearTimeout(timer);
        resolve({ child, exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => reject(new Error(`${args.join(' ')} exited:\n${output}`)));
  });
}

async function stop(running: Running | undefined): Promise<void> {
  if (!running || running.child.exitCode !== null) return;
  running.child.kill('SIGTERM');
  await running.exited;
}

describe('rotating a mission key over the link (hub and node processes, embedded broker)', () => {
  let dir = '';
  let hub: Running | undefined;
  let node: Running | undefined;
  beforeAll(async () => {
    await ready();
    dir = await mkdtemp(join(tmpdir(), 'econsulat-rotation-'));
  });
  afterAll(async () => {
    await stop(node);
    await stop(hub);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('certifies the new key over the link, puts it in force at the node, and shuts the old key out', async () => {
    const [httpPort, mqttPort, nodePort] = [await freePort(), await freePort(), await freePort()];
    const mission = join(dir, 'mission');
    const hubDir = join(dir, 'hub');
    await econsulat(
      'hub',
      'init',
      '--dir',
      hubDir,
      '--http-port',
      String(httpPort),
      '--mqtt-port',
      String(mqttPort),
      '--embedded-database',
      'pglite',
    );
    await econsulat(
      'node',
      'init',
      '--mission',
      'sn-dakar',
      '--name',
      'Ambassade à Dakar',
      '--dir',
      mission,
      '--region',
      'SN',
      '--currency',
      'XOF',
      '--port',
      String(nodePort),
      // Plain HTTP on the loopback: this suite is about the link, and scrapes /metrics with fetch.
      '--no-tls',
      '--mqtt-url',
      `mqtt://127.0.0.1:${mqttPort}`,
    );
    const bundle = join(dir, 'bundle.json');
    await econsulat(
      'hub',
      'enrol',
      '--config',
      join(hubDir, 'hub.json'),
      '--request',
      join(mission, 'enrolment-request.json'),
      '--out',
      bundle,
    );
    await econsulat('node', 'import-enrolment', '--config', join(mission, 'node.json'), '--bundle', bundle);
    const old = await readKeyFile(join(mission, 'keys', 'identity.key'));

    hub = await start(['hub', 'run', '--config', join(hubDir, 'hub.json')], 'hub listening on');
    node = await start(['node', 'run', '--config', join(mission, 'node.json')], 'listening on');
    // Polled from /metrics with the tokens `init` wrote: /healthz, limited per client, is for supervisors.
    const nodeToken = (await readNodeConfig(join(mission, 'node.json'))).metrics.token;
    const hubToken = (await readHubConfig(join(hubDir, 'hub.json'))).metrics.token;
    const nodeMetrics = () => scrapeUrl(`http://127.0.0.1:${nodePort}`, nodeToken);
    const hubMetrics = () => scrapeUrl(`http://127.0.0.1:${httpPort}`, hubToken);
    const ofMission = { mission: 'sn-dakar' };
    const isLinked = async () =>
      metricSample(await nodeMetrics(), 'econsulat_link_connected', ofMission) === 1;
    const backlog = async () =>
      metricSample(await nodeMetrics(), 'econsulat_outbox_backlog_events', ofMission);
    await expect.poll(isLinked, { timeout: 30_000 }).toBe(true);

    // The nightly backup, from before the rotation.
    const backedUp = await econsulat('node', 'backup', '--config', join(mission, 'node.json'));
    const backupFile = /backup written: (\S+) \(/.exec(backedUp)?.[1] ?? '';
    expect(backupFile).not.toBe('');

    // Run beside the running node, as the IT referent would: the node sends the request itself.
    const rotated = await econsulat('node', 'rotate-keys', '--config', join(mission, 'node.json'));
    expect(rotated).toContain(old.keyId);
    const currentKeyId = async () => (await readKeyFile(join(mission, 'keys', 'identity.key'))).keyId;
    await expect.poll(currentKeyId, { timeout: 60_000, interval: 500 }).not.toBe(old.keyId);
    const retired = await readKeyFile(join(mission, 'keys', `identity.${old.keyId}.retired.key`));
    expect(retired.keyId).toBe(old.keyId);
    await expect(stat(join(mission, 'keys', 'identity.next.key'))).rejects.toThrow();

    // The running node keeps talking to the hub with its new key: its backlog drains, nothing refused.
    await expect.poll(backlog, { timeout: 30_000 }).toBe(0);
    expect(
      metricSample(await hubMetrics(), 'econsulat_hub_envelopes_refused', { reason: 'key_superseded' }) ?? 0,
    ).toBe(0);

    // Restarted, the node logs in to the broker with the new key; the old key is refused there.
    await stop(node);
    node = await start(['node', 'run', '--config', join(mission, 'node.json')], 'listening on');
    await expect.poll(isLinked, { timeout: 30_000 }).toBe(true);
    await expect(connectAs(`mqtt://127.0.0.1:${mqttPort}`, old, { clientId: 'sn-dakar' })).rejects.toThrow();

    // The disk dies; the database comes back from the backup taken before the rotation (it holds the
    // old key's certificate), keys/ from its own copy (the new key). The hub sees the older
    // certificate in the node's hello and seals the one in force again: the node seals on.
    const newKeyId = await currentKeyId();
    await stop(node);
    const restored = await econsulat(
      ...['node', 'restore', '--config', join(mission, 'node.json'), '--from', backupFile],
      ...['--dir', mission, '--force'],
    );
    expect(restored).toContain('(integrity ok)');
    const certified = async () => {
      const store = await openStore({
        path: join(mission, 'mission.sqlite'),
        dataKey: await loadDataKey(join(mission, 'keys', 'data.key')),
      });
      try {
        return loadTrustMaterial(store)?.certificate.subject.keyId;
      } finally {
        store.close();
      }
    };
    expect(await certified()).toBe(old.keyId);
    node = await start(['node', 'run', '--config', join(mission, 'node.json')], 'listening on');
    const renewalsApplied = async () =>
      metricSample(await nodeMetrics(), 'econsulat_link_messages_applied_total', {
        mission: 'sn-dakar',
        type: 'certificate.renewal',
      }) ?? 0;
    await expect.poll(renewalsApplied, { timeout: 60_000, interval: 250 }).toBeGreaterThanOrEqual(1);
    await expect.poll(backlog, { timeout: 30_000 }).toBe(0);
    await stop(node);
    expect(await certified()).toBe(newKeyId);
    expect(
      metricSample(await hubMetrics(), 'econsulat_hub_envelopes_refused', { reason: 'key_superseded' }) ?? 0,
    ).toBe(0);
  }, 240_000);
});
