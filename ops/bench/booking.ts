import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon, {
  type AutocannonOptions,
  type AutocannonRequest,
  type AutocannonResult,
} from 'autocannon';
import type { CountryCode } from 'libphonenumber-js';
import { DateTime } from 'luxon';
import type { NodeConfig } from '../../node/config/config.js';
import type { Store } from '../../node/db/store.js';
import { createAppointments } from '../../node/services/appointments/appointments.js';
import { createPeopleRepository } from '../../node/services/people/people-repository.js';
import { ready } from '../../protocol/index.js';
import { PRODUCTION_NODE_FLAGS } from '../process/production-node-flags.js';
import { startChildServer } from './_child.js';
import { initBenchMission, openMissionStore, seedMission } from './_mission.js';
import { figure, median } from './measure.js';

const CONNECTIONS = 50;
const ROUNDS = 3;
const ATTEMPTS_PER_ROUND = 4_000;
/**
 * Booking attempts before the measured rounds, on slots of their own: the JIT warms up on them. As
 * many as a round: after 1,000, the first measured round still had the highest p99 of the three in
 * nearly every run (a node in service runs warm for days).
 */
const WARM_UP_ATTEMPTS = ATTEMPTS_PER_ROUND;
const READ_SECONDS = 3;
const SERVER = 'ops/bench/_booking-server.ts';
const HELLO_SERVER = 'ops/bench/_hello-server.ts';

/** One place to book: a slot of a service and how many it holds. */
interface SlotPlan {
  readonly service: string;
  readonly start: string;
  readonly capacity: number;
}

/** Every bookable slot of every service with a calendar, over the booking horizon. */
function planSlots(store: Store, config: NodeConfig): SlotPlan[] {
  const defaultRegion = config.region as CountryCode;
  const people = createPeopleRepository({ store, defaultRegion });
  const appointments = createAppointments({ store, people, timeZone: config.timeZone, defaultRegion });
  const services = store.db
    .prepare('SELECT service_code AS code FROM calendars ORDER BY service_code')
    .all() as {
    code: string;
  }[];
  const today = DateTime.now().setZone(config.timeZone).startOf('day');
  const slots: SlotPlan[] = [];
  for (let week = 0; week < 12; week++) {
    const from = today.plus({ weeks: week }).toISODate()!;
    const to = today.plus({ weeks: week, days: 6 }).toISODate()!;
    for (const { code } of services) {
      for (const slot of appointments.listSlots({ serviceCode: code, from, to })) {
        slots.push({ service: code, start: slot.start, capacity: slot.capacity });
      }
    }
  }
  // By start time, so that each round's attempts spread over many services and days.
  return slots.sort((a, b) => a.start.localeCompare(b.start) || a.service.localeCompare(b.service));
}

/**
 * The bodies of one round: every slot of the round tried capacity + 1 times in a row, so that
 * concurrent requests race for its last place; each attempt with its own phone and document. The
 * slots are dealt out to the measured rounds and the warm-up (round ROUNDS) in turn.
 */
function roundBodies(
  slots: readonly SlotPlan[],
  round: number,
  firstApplicant: number,
  limit = ATTEMPTS_PER_ROUND,
): string[] {
  const bodies: string[] = [];
  let applicant = firstApplicant;
  for (let i = round; i < slots.length && bodies.length < limit; i += ROUNDS + 1) {
    const slot = slots[i]!;
    for (let attempt = 0; attempt <= slot.capacity; attempt++, applicant++) {
      bodies.push(
        JSON.stringify({
          service: slot.service,
          slotStart: slot.start,
          applicant: { givenNames: 'Awa', familyName: `Ngbanda ${applicant}` },
          phone: benchPhone(applicant),
          documentNumber: `BK${String(applicant).padStart(7, '0')}`,
          lang: 'fr',
        }),
      );
    }
  }
  return bodies;
}

/** 100 French mobile prefixes (+33 640…689, +33 730…779), as applicants' numbers spread over operators. */
const PREFIXES = [
  ...Array.from({ length: 50 }, (_, i) => 640 + i),
  ...Array.from({ length: 50 }, (_, i) => 730 + i),
];

/** The n-th applicant's own phone number, in one of the {@link PREFIXES} in turn (n below a million). */
function benchPhone(n: number): string {
  return `+33${PREFIXES[n % PREFIXES.length]}${String(n % 1_000_000).padStart(6, '0')}`;
}

/**
 * Fires `paths` (or `bodies` as POSTs) in turn over CONNECTIONS connections. Autocannon notices
 * the end of a run of `amount` requests only at its next whole-second tick, so its own duration
 * rounds up (4,000 bookings in 3.1 s would read as 998/s); the duration kept here runs from the
 * start to the last response.
 */
async function load(
  url: string,
  options: Omit<AutocannonOptions, 'url' | 'connections'>,
): Promise<AutocannonResult> {
  const started = performance.now();
  let lastResponse = started;
  const run = autocannon({ url, connections: CONNECTIONS, timeout: 30, ...options });
  run.on('response', () => {
    lastResponse = performance.now();
  });
  const result = await run;
  return { ...result, duration: (lastResponse - started) / 1000 };
}

/** One request rewritten before each send from the next of `values`, in turn. */
function rotating(
  values: readonly string[],
  toRequest: (value: string) => AutocannonRequest,
): AutocannonRequest[] {
  let next = 0;
  return [{ setupRequest: (request) => ({ ...request, ...toRequest(values[next++ % values.length]!) }) }];
}

function requestsPerSecond(result: AutocannonResult): number {
  return result.requests.total / result.duration;
}

function statusCount(results: readonly AutocannonResult[], status: string): number {
  return results.reduce((sum, result) => sum + (result.statusCodeStats[status]?.count ?? 0), 0);
}

function summary(label: string, results: readonly AutocannonResult[], target = ''): string {
  const rates = results.map(requestsPerSecond);
  const p99 = results.map((result) => result.latency.p99);
  return (
    `${label}: median ${figure(median(rates))} req/s (rounds: ${rates.map(figure).join(', ')}), ` +
    `p99 ${median(p99).toFixed(1)} ms (rounds: ${p99.map((v) => v.toFixed(1)).join(', ')})${target}`
  );
}

/** Slots holding more held + confirmed bookings than their capacity, read from SQLite after the run. */
function overBooked(store: Store, slots: readonly SlotPlan[]) {
  const capacity = new Map(slots.map((slot) => [`${slot.service} ${slot.start}`, slot.capacity]));
  const rows = store.db
    .prepare(
      `SELECT service_code AS service, slot_start AS start, count(*) AS n FROM appointments
        WHERE state IN ('held', 'confirmed') GROUP BY service_code, slot_start`,
    )
    .all() as { service: string; start: string; n: number }[];
  const over = rows.filter((row) => row.n > (capacity.get(`${row.service} ${row.start}`) ?? 0));
  return { slots: rows.length, bookings: rows.reduce((sum, row) => sum + row.n, 0), over: over.length };
}

/** The public booking API of a mission node under 50 connections, and zero over-booking after it. */
export async function benchBooking(): Promise<void> {
  await ready();
  const dir = await mkdtemp(join(tmpdir(), 'econsulat-bench-booking-'));
  try {
    const { config, configPath } = await initBenchMission(dir);
    const store = await openMissionStore(config);
    seedMission(store, config);
    const slots = planSlots(store, config);
    store.close();
    const services = [...new Set(slots.map((slot) => slot.service))];
    const weeks = Array.from({ length: 12 }, (_, week) => DateTime.now().plus({ weeks: week }));
    const listings = services.flatMap((service) =>
      weeks.map(
        (day) =>
          `/api/v1/slots?service=${service}&from=${day.toISODate()}&to=${day.plus({ days: 6 }).toISODate()}`,
      ),
    );
    console.log(
      `booking: mission node HTTP app in its own process (buildHttpApp + /healthz + public API over SQLite, ` +
        `rate limits raised: createNode keeps the production limits), autocannon ${CONNECTIONS} connections, ${ROUNDS} rounds after a warm-up`,
    );
    // The baseline first, alone on the host: a bare fastify, measured as the mission server will be.
    const hello: AutocannonResult[] = [];
    const bare = await startChildServer([...PRODUCTION_NODE_FLAGS, '--import', 'tsx', HELLO_SERVER]);
    try {
      for (let round = 0; round < ROUNDS; round++) {
        hello.push(await load(bare.url, { duration: READ_SECONDS }));
      }
    } finally {
      await bare.stop();
    }
    const server = await startChildServer([...PRODUCTION_NODE_FLAGS, '--import', 'tsx', SERVER, configPath]);
    const health: AutocannonResult[] = [];
    const reads: AutocannonResult[] = [];
    const bookings: AutocannonResult[] = [];
    const warmUp: AutocannonResult[] = [];
    try {
      // /healthz: the framework ceiling, a SELECT 1 and nothing counted.
      for (let round = 0; round < ROUNDS; round++) {
        health.push(await load(`${server.url}/healthz`, { duration: READ_SECONDS }));
      }
      for (let round = 0; round < ROUNDS; round++) {
        reads.push(
          await load(server.url, {
            duration: READ_SECONDS,
            requests: rotating(listings, (path) => ({ method: 'GET', path })),
          }),
        );
      }
      const book = (bodies: readonly string[]) =>
        load(server.url, {
          amount: bodies.length,
          requests: rotating(bodies, (body) => ({
            method: 'POST',
            path: '/api/v1/appointments',
            headers: { 'content-type': 'application/json' },
            body,
          })),
        });
      warmUp.push(await book(roundBodies(slots, ROUNDS, ROUNDS * 10 * ATTEMPTS_PER_ROUND, WARM_UP_ATTEMPTS)));
      for (let round = 0; round < ROUNDS; round++) {
        bookings.push(await book(roundBodies(slots, round, round * 10 * ATTEMPTS_PER_ROUND)));
      }
    } finally {
      await server.stop();
    }
    const check = await openMissionStore(config);
    const booked = overBooked(check, slots);
    check.close();
    const held = statusCount(bookings, '201');
    const full = statusCount(bookings, '409');
    const sent = bookings.reduce((sum, result) => sum + result.requests.total, 0);
    const heldInWarmUp = statusCount(warmUp, '201');
    const failures = [...hello, ...health, ...reads, ...warmUp, ...bookings].reduce(
      (sum, r) => sum + r.errors + r.timeouts,
      0,
    );
    const helloRate = median(hello.map(requestsPerSecond));
    console.log(
      summary('GET / on a bare fastify (baseline: the host now; reference machine ~54,700 req/s)', hello),
    );
    console.log(summary('GET /healthz (framework ceiling: SELECT 1)', health));
    console.log(summary(`GET /api/v1/slots (7 days, ${services.length} services)`, reads));
    console.log(
      `${summary('POST /api/v1/appointments', bookings, ' (target ≥ 1,000 req/s, p99 ≤ 50 ms)')}; ` +
        `${figure(sent)} attempts: ${figure(held)} held (201), ${figure(full)} slot full (409), ` +
        `${figure(sent - held - full)} other; ${failures} socket errors or timeouts; ` +
        `${(median(bookings.map(requestsPerSecond)) / helloRate).toFixed(3)} of the baseline's rate`,
    );
    console.log(
      `over-booking: ${booked.over} of ${figure(booked.slots)} slots over capacity (target 0); ` +
        `${figure(booked.bookings)} held bookings in SQLite for ${figure(held + heldInWarmUp)} answers 201 ` +
        `(${figure(heldInWarmUp)} of them in the unmeasured warm-up of ${figure(WARM_UP_ATTEMPTS)} attempts)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
