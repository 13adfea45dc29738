import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OffsiteBackups } from '../node/backup/offsite/offsite-service.js';
import { OFFSITE_WINDOW, OFFSITE_WINDOW_WIDEST } from '../node/backup/offsite/send-window.js';
import { createOffsiteSender, type OffsiteSender } from '../node/backup/offsite/sender.js';
import { createFramePublisher } from '../node/link/frame-publisher.js';
import {
  backupAckTopic,
  backupTopic,
  chunkAddress,
  decodeChunkFrame,
  encodeAckFrame,
  joinAddresses,
  type OffsiteManifest,
  ready,
  splitAddresses,
  toHex,
} from '../protocol/index.js';
import { offsiteMission } from './_util/offsite-node.js';

beforeAll(ready);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startAedes(): Promise<string> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  cleanups.push(async () => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `mqtt://127.0.0.1:${port}`;
}

async function connect(url: string, clientId: string): Promise<mqtt.MqttClient> {
  const client = mqtt.connect(url, { clientId, clean: false, protocolVersion: 4, reconnectPeriod: 50 });
  cleanups.push(() => client.endAsync(true));
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  return client;
}

/**
 * The hub's part, as far as chunks go: it keeps the frames of a generation it lacks, acknowledges
 * each on backup-ack, and counts every publication by address, noting any that arrive after the
 * chunk's acknowledgement. Its answer to a manifest (offsite.status) is handed to the node directly,
 * as the link would.
 */
async function testHub(url: string, missionId: string) {
  const client = await connect(url, 'hub');
  await client.subscribeAsync(backupTopic(missionId), { qos: 1 });
  const held = new Map<string, Uint8Array>();
  const published = new Map<string, number>();
  const acked = new Set<string>();
  const afterAck: string[] = [];
  let wanted: { generation: number; addresses: Set<string> } | undefined;
  const listeners: Array<(count: number) => void> = [];
  client.on('message', (_topic, payload) => {
    const chunk = decodeChunkFrame(new Uint8Array(payload));
    if (!chunk) return;
    const hex = toHex(chunkAddress(chunk));
    published.set(hex, (published.get(hex) ?? 0) + 1);
    if (acked.has(hex)) afterAck.push(hex);
    if (!wanted?.addresses.has(hex)) return;
    held.set(hex, chunk.slice());
    acked.add(hex);
    client.publish(
      backupAckTopic(missionId),
      Buffer.from(encodeAckFrame(wanted.generation, [chunkAddress(chunk)])),
      {
        qos: 1,
      },
    );
    const total = [...published.values()].reduce((a, b) => a + b, 0);
    for (const listener of listeners) listener(total);
  });
  return {
    held,
    published,
    afterAck,
    onPublication: (listener: (count: number) => void) => listeners.push(listener),
    /** The missing addresses of a manifest, as offsite.status would name them. */
    lacking(manifest: OffsiteManifest): Uint8Array[] {
      const lacking = splitAddresses(manifest.chunks).filter((address) => !held.has(toHex(address)));
      wanted = { generation: manifest.generation, addresses: new Set(lacking.map(toHex)) };
      return lacking;
    },
  };
}

async function transferFixture(
  options: {
    liveBacklog?: () => number;
    rate?: number;
    maxInFlight?: number;
    maxInFlightBytes?: number;
  } = {},
) {
  const url = await startAedes();
  const m = await offsiteMission({ people: 200, photos: 6 });
  cleanups.push(m.cleanup);
  m.offsite.setPolicy({
    ...m.recovery.policy,
    maxBytesPerSecond: options.rate ?? 8_000_000,
    issuedAt: '2026-03-02T00:00:00.000Z',
  });
  const hub = await testHub(url, m.missionId);
  const packed = await m.offsite.pack();
  const node = await connect(url, m.missionId);
  let manifests = 0;
  let resolveStored: () => void = () => undefined;
  const stored = new Promise<void>((resolve) => {
    resolveStored = resolve;
  });
  const answer = (manifest: OffsiteManifest) => {
    const lacking = hub.lacking(manifest);
    if (lacking.length === 0) {
      m.offsite.markStatus({
        state: 'stored',
        generation: manifest.generation,
        completedAt: new Date().toISOString(),
        bytes: manifest.bytes,
      });
      resolveStored();
      return;
    }
    m.offsite.markStatus({
      state: 'missing',
      generation: manifest.generation,
      missing: joinAddresses(lacking),
    });
    sender.wake();
  };
  const frames = createFramePublisher(node, backupTopic(m.missionId));
  const sender: OffsiteSender = createOffsiteSender({
    offsite: m.offsite,
    missionId: m.missionId,
    publish: (_topic, payload) => frames.publish(payload),
    sendManifest: (manifest) => {
      manifests++;
      setTimeout(() => answer(manifest), 5);
    },
    liveBacklog: options.liveBacklog ?? (() => 0),
    maxInFlight: options.maxInFlight ?? 4,
    maxInFlightBytes: options.maxInFlightBytes,
    pollMs: 20,
  });
  cleanups.push(() => sender.stop());
  await node.subscribeAsync(backupAckTopic(m.missionId), { qos: 1 });
  node.on('message', (topic, payload) => {
    if (topic === backupAckTopic(m.missionId)) {
      sender.onAckFrame(new Uint8Array(payload));
      // Everything acknowledged: the node announces the manifest again and the hub finds it whole.
      if (hub.held.size === splitAddresses(packed.manifest.chunks).length) answer(packed.manifest);
    }
  });
  node.on('connect', () => sender.connected());
  node.on('close', () => sender.disconnected());
  return { m, hub, node, sender, packed, stored, manifests: () => manifests };
}

describe('sending an off-site generation over MQTT', () => {
  it('completes after three cuts of the connection, never publishing a chunk again once acknowledged', async () => {
    const { m, hub, node, sender, packed, stored, manifests } = await transferFixture();
    const total = splitAddresses(packed.manifest.chunks).length;
    let cuts = 0;
    // Cut at chunk boundaries (a count of chunks received) and once mid-chunk (on a timer, while a
    // 1 MiB frame is on its way at 8 MB/s).
    const cutAt = new Set([Math.floor(total / 5), Math.floor(total / 2)]);
    hub.onPublication((count) => {
      if (cutAt.delete(count)) {
        cuts++;
        node.stream.destroy();
        if (cuts === 2) {
          setTimeout(() => {
            cuts++;
            node.stream.destroy();
          }, 120);
        }
      }
    });
    sender.connected();
    await stored;
    expect(cuts).toBe(3);
    expect(hub.held.size).toBe(total);
    expect(hub.afterAck).toEqual([]);
    for (const address of splitAddresses(packed.manifest.chunks)) {
      expect(hub.held.get(toHex(address))).toBeDefined();
    }
    expect(m.offsite.lastStored()).toMatchObject({ generation: packed.generation });
    // The manifest went again on each reconnection, and a last time once everything was acknowledged.
    expect(manifests()).toBeGreaterThanOrEqual(4);
    const repeats = [...hub.published.values()].filter((count) => count > 1).length;
    console.info(
      `off-site transfer: ${total} chunks, ${cuts} cuts, ${repeats} sent more than once before their acknowledgement`,
    );
  }, 60_000);

  it('reads and seals each chunk once, though the window’s bytes hold only a few frames', async () => {
    // As a window of 4 MiB holds four scan pieces of 1 MiB: 48 KiB, three of the database's pieces.
    const { m, hub, packed, sender, stored } = await transferFixture({
      maxInFlight: 256,
      maxInFlightBytes: 48 * 1024,
    });
    const chunkFrame = m.offsite.chunkFrame.bind(m.offsite);
    const sealed = new Map<string, number>();
    m.offsite.chunkFrame = (generation, address) => {
      const hex = toHex(address);
      sealed.set(hex, (sealed.get(hex) ?? 0) + 1);
      return chunkFrame(generation, address);
    };
    sender.connected();
    await stored;
    const total = splitAddresses(packed.manifest.chunks).length;
    expect(hub.held.size).toBe(total);
    // Sealing ahead goes on while the window is full; what it sealed waits its turn, not thrown away.
    expect(sealed.size).toBe(total);
    expect([...sealed.values()].filter((count) => count > 1)).toEqual([]);
  }, 60_000);

  it('waits while live messages are queued for the link', async () => {
    let live = 1;
    const { hub, sender, stored } = await transferFixture({ liveBacklog: () => live });
    sender.connected();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(hub.published.size).toBe(0);
    live = 0;
    await stored;
    expect(hub.afterAck).toEqual([]);
  }, 60_000);

  it('gives up a generation whose scan was purged before it went, and asks for a new one', async () => {
    const m = await offsiteMission({ people: 10 });
    cleanups.push(m.cleanup);
    const packed = await m.offsite.pack();
    const scans = m.store.db
      .prepare("SELECT DISTINCT file FROM offsite_chunks WHERE source = 'scan'")
      .pluck()
      .all() as string[];
    await rm(join(m.dir, 'documents', scans[0] as string));
    const abandoned: number[] = [];
    const sender = createOffsiteSender({
      offsite: m.offsite,
      missionId: m.missionId,
      publish: async () => undefined,
      // The hub's answer to the manifest announced on connection: every chunk is missing.
      sendManifest: () => {
        m.offsite.markStatus({
          state: 'missing',
          generation: packed.generation,
          missing: packed.manifest.chunks,
        });
        queueMicrotask(() => sender.wake());
      },
      liveBacklog: () => 0,
      pollMs: 5,
      // No hub acknowledges here: a window wide enough to reach the scan's chunks.
      maxInFlight: 10_000,
      onAbandoned: (generation) => abandoned.push(generation),
    });
    cleanups.push(() => sender.stop());
    sender.connected();
    await expect.poll(() => abandoned, { timeout: 10_000 }).toEqual([packed.generation]);
    expect(m.offsite.manifestToSend()).toBeUndefined();
    expect(m.store.db.prepare('SELECT refused_reason FROM offsite_generations').pluck().get()).toBe(
      'offsite_source_gone',
    );
  });

  it('keeps to the policy’s rate', async () => {
    const { packed, sender, stored } = await transferFixture({ rate: 20_000_000 });
    const started = Date.now();
    sender.connected();
    await stored;
    const seconds = (Date.now() - started) / 1000;
    // The first second's tokens are not held in advance: the whole takes at least bytes / rate - 1 s.
    expect(seconds).toBeGreaterThanOrEqual(packed.bytes / 20_000_000 - 1);
  }, 60_000);
});

describe('the sender’s window on the wire', () => {
  const PIECE = 16 * 1024;
  const GENERATION = 7;
  const CHUNKS = 1_500;

  /**
   * The service's part for 1,500 database pieces, all wanted; each frame begins with its chunk's
   * number. The test acknowledges each publication itself, its clock moved on by `ackAfterMs` each
   * time (the sender's clock runs with the real one, which its token bucket needs). With `cutAt`,
   * the connection goes once that many frames were published, and comes back 20 ms later.
   * Returns the most frames unacknowledged at once before the cut, and how many went after it
   * before the first of them was acknowledged.
   */
  async function sendAll(ackAfterMs: number, cutAt = Number.POSITIVE_INFINITY) {
    const addresses = Array.from({ length: CHUNKS }, (_, i) => {
      const address = new Uint8Array(32);
      new DataView(address.buffer).setUint32(0, i);
      return address;
    });
    const acked = new Set<string>();
    let offset = 0;
    const offsite = {
      policy: () => ({ maxBytesPerSecond: 1_000_000_000 }),
      forgetWanted: () => undefined,
      manifestToSend: () => undefined,
      nextChunksToSend: (limit: number, skip: ReadonlySet<string> = new Set()) =>
        addresses
          .filter((address) => !acked.has(toHex(address)) && !skip.has(toHex(address)))
          .slice(0, limit)
          .map((address) => ({ generation: GENERATION, address })),
      chunkFrame: async (_generation: number, address: Uint8Array) => {
        const frame = new Uint8Array(PIECE);
        frame.set(address.subarray(0, 4));
        return frame;
      },
      isWanted: (_generation: number, address: Uint8Array) => !acked.has(toHex(address)),
      markSent: () => undefined,
      markAcknowledged: (_generation: number, done: readonly Uint8Array[]) => {
        for (const address of done) acked.add(toHex(address));
        return done.length;
      },
    } as unknown as OffsiteBackups;
    const unacknowledged = new Set<number>();
    let widest = 0;
    let published = 0;
    let cut = false;
    /** Frames published after the cut, until one of them was acknowledged. */
    let firstAfterCut = 0;
    let ackedAfterCut = false;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const sender = createOffsiteSender({
      offsite,
      missionId: 'fr-paris',
      now: () => Date.now() + offset,
      pollMs: 1,
      // Not what is measured here: no frame is taken as lost, however far the clock moves.
      ackTimeoutMs: Number.MAX_SAFE_INTEGER,
      liveBacklog: () => 0,
      sendManifest: () => undefined,
      publish: async (_topic, payload) => {
        const chunk = new DataView(payload.buffer, payload.byteOffset).getUint32(0);
        published++;
        unacknowledged.add(chunk);
        if (!cut) widest = Math.max(widest, unacknowledged.size);
        else if (!ackedAfterCut) firstAfterCut++;
        const afterCut = cut;
        setImmediate(() => {
          if (afterCut) ackedAfterCut = true;
          offset += ackAfterMs;
          unacknowledged.delete(chunk);
          sender.onAckFrame(encodeAckFrame(GENERATION, [addresses[chunk] as Uint8Array]));
          if (acked.size === CHUNKS) finish();
        });
        if (published === cutAt) {
          cut = true;
          sender.disconnected();
          setTimeout(() => sender.connected(), 20);
        }
      },
    });
    cleanups.push(() => sender.stop());
    sender.connected();
    await finished;
    return { widest, firstAfterCut, published };
  }

  it('widens past 256 frames while acknowledgements come back fast, and stays narrow when they are slow', async () => {
    const fast = await sendAll(0);
    expect(fast.published).toBe(CHUNKS);
    expect(fast.widest).toBeGreaterThan(OFFSITE_WINDOW.frames);
    expect(fast.widest).toBeLessThanOrEqual(OFFSITE_WINDOW_WIDEST.frames);
    const slow = await sendAll(10_000);
    expect(slow.published).toBe(CHUNKS);
    expect(slow.widest).toBeLessThanOrEqual(OFFSITE_WINDOW.frames);
  }, 60_000);

  it('starts narrow again on a new connection', async () => {
    const { widest, firstAfterCut, published } = await sendAll(0, 1_000);
    expect(widest).toBeGreaterThan(OFFSITE_WINDOW.frames);
    console.info(
      `window: ${widest} frames before the cut, ${firstAfterCut} after it before an acknowledgement`,
    );
    // The link may be another after a cut: the first frames on the new connection fill a narrow
    // window, not the wide one the old connection had reached.
    expect(firstAfterCut).toBeGreaterThan(0);
    expect(firstAfterCut).toBeLessThanOrEqual(OFFSITE_WINDOW.frames);
    expect(published).toBeGreaterThanOrEqual(CHUNKS);
  }, 60_000);
});
