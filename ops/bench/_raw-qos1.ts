import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { startBroker } from '../../hub/broker/broker.js';
import {
  backupAckTopic,
  backupTopic,
  createBrokerToken,
  encodeChunkFrame,
  HUB_ID,
} from '../../protocol/index.js';
import { cpuSecondsOf, cpuSecondsSince, startChildServer } from './_child.js';
import type { BenchMission } from './link-pair.js';
import { until } from './link-pair.js';

/** The sender's rule: at most `frames` unacknowledged, and past the first, at most `bytes`. */
export interface Window {
  readonly frames: number;
  readonly bytes: number;
}

type Side = Pick<BenchMission, 'hub' | 'mission' | 'trust'>;

/** One round: its seconds, and the CPU seconds spent meanwhile by every process taking part. */
export interface RawRound {
  readonly seconds: number;
  readonly cpuSeconds: number;
}

/**
 * Seconds to publish frames of `sizes` (chunk bytes, each framed as a chunk frame) at QoS 1 from the
 * mission to a plain subscriber, with the off-site sender's window of unacknowledged frames, all in
 * this process. The broker is the embedded one with the pair's trust and access rules, started
 * afresh so that no hub process takes the frames.
 */
export async function rawQos1Seconds(
  side: Side,
  sizes: readonly number[],
  window: Window,
): Promise<RawRound> {
  const broker = await startBroker({
    host: '127.0.0.1',
    port: 0,
    trust: side.trust,
    events: { refused: () => {} },
  });
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const topic = backupTopic(side.mission.partyId);
  const subscriber = await mqtt.connectAsync(url, {
    clientId: 'hub-raw',
    username: HUB_ID,
    password: createBrokerToken(side.hub, Date.now()),
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  let received = 0;
  subscriber.on('message', () => {
    received += 1;
  });
  await subscriber.subscribeAsync(topic, { qos: 1 });
  const publisher = await connectMission(url, side);
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await publishAll(publisher, topic, sizes, window);
  // Every frame delivered, and every PUBACK back before the connections close.
  await until(() => received >= sizes.length);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpuSeconds = cpuSecondsSince(cpu);
  await publisher.endAsync(true);
  await subscriber.endAsync(true);
  await broker.close();
  return { seconds, cpuSeconds };
}

/**
 * The same with the broker and the subscriber in a process of their own (ops/bench/_offsite-hub.ts),
 * as the hub is when deployed: timed until the subscriber, having received every frame, says so on
 * the mission's backup-ack topic. Its CPU is both processes'.
 */
export async function rawQos1SecondsToChild(
  side: Side,
  databaseUrl: string,
  sizes: readonly number[],
  window: Window,
): Promise<RawRound> {
  const child = await startChildServer(['--import', 'tsx', 'ops/bench/_offsite-hub.ts'], 120_000, {
    ...process.env,
    BENCH_DATABASE_URL: databaseUrl,
    BENCH_HUB_SECRET: side.hub.exportSecret(),
    BENCH_RAW_MISSION: side.mission.partyId,
    BENCH_RAW_FRAMES: String(sizes.length),
  });
  try {
    const publisher = await connectMission(child.url, side);
    let done = false;
    publisher.on('message', () => {
      done = true;
    });
    await publisher.subscribeAsync(backupAckTopic(side.mission.partyId), { qos: 1 });
    const childCpu = await cpuSecondsOf(child.pid);
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    await publishAll(publisher, backupTopic(side.mission.partyId), sizes, window);
    await until(() => done);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpuSeconds = cpuSecondsSince(cpu) + (await cpuSecondsOf(child.pid)) - childCpu;
    await publisher.endAsync(true);
    return { seconds, cpuSeconds };
  } finally {
    await child.stop();
  }
}

function connectMission(url: string, side: Side): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    clientId: side.mission.partyId,
    username: side.mission.partyId,
    password: createBrokerToken(side.mission, Date.now()),
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
}

/** Publishes every frame at QoS 1 within the window; resolves once every PUBACK is back. */
async function publishAll(
  publisher: MqttClient,
  topic: string,
  sizes: readonly number[],
  window: Window,
): Promise<void> {
  const frames = framesBySize(sizes);
  let inFlight = 0;
  let inFlightBytes = 0;
  let freed: (() => void) | undefined;
  for (const size of sizes) {
    const frame = frames.get(size);
    if (!frame) continue;
    while (inFlight >= window.frames || (inFlight > 0 && inFlightBytes >= window.bytes)) {
      await new Promise<void>((resolve) => {
        freed = resolve;
      });
    }
    inFlight += 1;
    inFlightBytes += frame.length;
    void publisher.publishAsync(topic, frame, { qos: 1 }).finally(() => {
      inFlight -= 1;
      inFlightBytes -= frame.length;
      freed?.();
    });
  }
  await until(() => inFlight === 0);
}

/** One random frame per distinct size: the bytes do not matter to the broker, only their number. */
function framesBySize(sizes: readonly number[]): Map<number, Buffer> {
  const frames = new Map<number, Buffer>();
  for (const size of sizes) {
    if (!frames.has(size)) frames.set(size, Buffer.from(encodeChunkFrame(randomBytes(size))));
  }
  return frames;
}
