import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon, { type AutocannonOptions, type AutocannonResult } from 'autocannon';
import type { Store } from '../../node/db/store.js';
import { immediateTransaction } from '../../node/db/transaction.js';
import { enqueueSms } from '../../node/services/outbox/sms-outbox.js';
import { createRollCallService } from '../../node/services/roll-calls/index.js';
import { ready } from '../../protocol/index.js';
import { PRODUCTION_NODE_FLAGS } from '../process/production-node-flags.js';
import { startChildServer } from './_child.js';
import { initBenchMission, openMissionStore, seedMission } from './_mission.js';
import { seedNationals } from './_roll-call-nationals.js';
import { figure, median } from './measure.js';

const NATIONALS = 10_000;
const QUEUE_ROUNDS = 5;
const LOAD_ROUNDS = 3;
/** A gateway posts its callbacks over a few connections; 50 as the booking bench loads its API. */
const CONNECTIONS = [10, 50] as const;
const ANSWERS_PER_ROUND = 6_000;
const HEALTH_SECONDS = 3;
const SERVER = 'ops/bench/_roll-call-server.ts';
const GATEWAY_TOKEN = 'bench-gateway-token-0123456789';
const PUBLIC_URL = 'https://paris.consulat-rca.example';

const MESSAGE = {
  fr: 'Manifestations a Paris ce soir. Etes-vous en securite ?',
  sg: 'Aye na Paris la so. Mo yeke na siriri ?',
  en: 'Unrest in Paris tonight. Are you safe?',
};

function seconds(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}

/**
 * One round of (a): the dry run (registrations read, decrypted and grouped by phone: what any
 * roll-call must do before it writes), the same number of SMS queued through the outbox alone (one
 * transaction), then the roll-call itself: targets, audit, one SMS per phone with its link token.
 */
function queueRound(store: Store, phones: readonly string[]) {
  const service = createRollCallService({ store, publicUrl: PUBLIC_URL });
  const input = {
    title: 'Consulat RCA',
    message: MESSAGE,
    zone: { all: true },
    endsAt: new Date(Date.now() + 6 * 3_600_000).toISOString(),
  };
  let started = performance.now();
  const dry = service.start({ ...input, dryRun: true }, { actor: 'consul:bench' });
  const dryRun = seconds(started);
  started = performance.now();
  immediateTransaction(store.db, () => {
    const now = new Date();
    for (const to of phones) enqueueSms(store, { to, text: MESSAGE.fr, purpose: 'roll_call' }, now);
  });
  const outbox = seconds(started);
  started = performance.now();
  const outcome = service.start(input, { actor: 'consul:bench' });
  const rollCall = seconds(started);
  if (outcome.dryRun || outcome.queued !== phones.length || dry.reach.sms !== phones.length) {
    throw new Error(`the roll-call reached ${JSON.stringify(outcome)} of ${phones.length} phones`);
  }
  return { dryRun, outbox, rollCall };
}

/** The bodies of one round of answers: each phone in turn, answer codes 1 and 2, a gateway id each. */
function answerBodies(phones: readonly string[], round: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      from: phones[(round * count + i) % phones.length],
      to: '38100',
      text: i % 7 === 0 ? '2' : '1',
      date: new Date().toISOString().slice(0, 19).replace('T', ' '),
      id: `ATXid_bench_${round}_${i}`,
    }),
  );
}

/** Autocannon, its duration taken to the last response (as booking.ts explains). */
async function load(options: AutocannonOptions): Promise<AutocannonResult> {
  const started = performance.now();
  let lastResponse = started;
  const run = autocannon({ connections: 50, timeout: 30, ...options });
  run.on('response', () => {
    lastResponse = performance.now();
  });
  const result = await run;
  return { ...result, duration: (lastResponse - started) / 1000 };
}

function answerLoad(url: string, bodies: readonly string[], connections: number): Promise<AutocannonResult> {
  let next = 0;
  return load({
    url,
    connections,
    amount: bodies.length,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          method: 'POST',
          path: '/api/v1/sms/inbound',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_TOKEN}` },
          body: bodies[next++ % bodies.length],
        }),
      },
    ],
  });
}

function line(label: string, results: readonly AutocannonResult[], target = ''): string {
  const rates = results.map((result) => result.requests.total / result.duration);
  const p50 = results.map((result) => result.latency.p50);
  const p99 = results.map((result) => result.latency.p99);
  const ms = (values: number[]) => values.map((v) => v.toFixed(1)).join(', ');
  return (
    `${label}: median ${figure(median(rates))} req/s (rounds: ${rates.map(figure).join(', ')}), ` +
    `p50 ${median(p50).toFixed(1)} ms (${ms(p50)}), p99 ${median(p99).toFixed(1)} ms (${ms(p99)})${target}`
  );
}

function load1(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

/**
 * Crisis roll-calls: (a) the time to queue a roll-call to 10,000 registered nationals, against the
 * dry run and the outbox alone in the same rounds; (b) answers ingested per second through the
 * gateway's inbound SMS callback of a node in its own process, against its /healthz.
 */
export async function benchRollCall(): Promise<void> {
  await ready();
  const dir = await mkdtemp(join(tmpdir(), 'econsulat-bench-roll-call-'));
  try {
    const { config, configPath } = await initBenchMission(dir);
    const store = await openMissionStore(config);
    seedMission(store, config);
    const phones = await seedNationals(store, config, NATIONALS);
    console.log(
      `roll-call: ${figure(NATIONALS)} registered nationals, one phone each; load average ${load1()}`,
    );
    const rounds: ReturnType<typeof queueRound>[] = [];
    for (let round = 0; round < QUEUE_ROUNDS; round++) rounds.push(queueRound(store, phones));
    store.close();
    const of = (key: 'dryRun' | 'outbox' | 'rollCall') => rounds.map((round) => round[key]);
    const list = (values: number[]) => values.map((v) => v.toFixed(2)).join(', ');
    const rollCall = median(of('rollCall'));
    console.log(
      `dry run (read, decrypt, group by phone): median ${median(of('dryRun')).toFixed(2)} s (rounds: ${list(of('dryRun'))})`,
    );
    console.log(
      `${figure(NATIONALS)} SMS through the outbox alone: median ${median(of('outbox')).toFixed(2)} s (rounds: ${list(of('outbox'))})`,
    );
    console.log(
      `roll-call queued to ${figure(NATIONALS)}: median ${rollCall.toFixed(2)} s (rounds: ${list(of('rollCall'))}; target ≤ 2 s), ` +
        `${(rollCall / (median(of('dryRun')) + median(of('outbox')))).toFixed(2)}× the dry run and the outbox together`,
    );
    const server = await startChildServer([
      ...PRODUCTION_NODE_FLAGS,
      '--import',
      'tsx',
      SERVER,
      configPath,
      GATEWAY_TOKEN,
    ]);
    const runs: { connections: number; health: AutocannonResult[]; answers: AutocannonResult[] }[] = [];
    try {
      // A warm-up, unmeasured, then per number of connections the baseline and the answers in turn.
      await answerLoad(server.url, answerBodies(phones, 0, ANSWERS_PER_ROUND / 2), 50);
      let round = 1;
      for (const connections of CONNECTIONS) {
        const run = { connections, health: [] as AutocannonResult[], answers: [] as AutocannonResult[] };
        for (let i = 0; i < LOAD_ROUNDS; i++, round++) {
          run.health.push(
            await load({ url: `${server.url}/healthz`, duration: HEALTH_SECONDS, connections }),
          );
          run.answers.push(
            await answerLoad(server.url, answerBodies(phones, round, ANSWERS_PER_ROUND), connections),
          );
        }
        runs.push(run);
      }
    } finally {
      await server.stop();
    }
    for (const { connections, health, answers } of runs) {
      const failed = [...health, ...answers].reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx, 0);
      console.log(line(`GET /healthz (baseline), ${connections} connections`, health));
      console.log(
        `${line(
          `POST /api/v1/sms/inbound, ${connections} connections, ${figure(ANSWERS_PER_ROUND)} answers a round`,
          answers,
          ' (target ≥ 500/s, p99 ≤ 50 ms)',
        )}; ${failed} requests not answered 2xx`,
      );
    }
    console.log(`load average ${load1()}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
