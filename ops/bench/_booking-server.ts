/**
 * The booking benchmark's server, run in its own process (`node --import tsx _booking-server.ts
 * <node.json>`): the mission node's HTTP app as createNodeContext builds it (buildHttpApp, health
 * routes, public API over the real store and domain), but with the rate limits raised — every
 * request of the load generator comes from 127.0.0.1, and createNode keeps the production limits.
 * No hub link and no scheduled jobs: the benchmark measures the HTTP path alone (with the
 * background checkpointer, which the node runs beside its event loop).
 */
import { nodePaths } from '../../node/config/config.js';
import { loadNodeSecrets } from '../../node/config/secrets.js';
import { startCheckpointer } from '../../node/db/checkpointer.js';
import { openStore } from '../../node/db/store.js';
import { type PublicRateLimits, publicApiRoutes } from '../../node/http/api/public/index.js';
import { buildHttpApp } from '../../node/http/app.js';
import { healthRoutes } from '../../node/http/health.js';
import { createNodeMetrics } from '../../node/metrics.js';
import { createDomain } from '../../node/services/domain.js';
import { DEFAULT_SMS_CAPS } from '../../node/services/outbox/sms-caps.js';
import { readNodeConfig } from '../commands/node.js';
import { runUntilSignal } from '../process/run-until-signal.js';

/** Requests per minute per address: far above what the benchmark sends. */
const BENCH_LIMIT = 10_000_000;

const configPath = process.argv[2];
if (!configPath) throw new TypeError('usage: _booking-server.ts <node.json>');
/**
 * Each attempt has a phone of its own, spread over 100 prefixes (booking.ts), but a run books more
 * in minutes than a mission in a day: each prefix takes ~160 codes, past its hourly cap of 50. The
 * caps are still counted on every booking; only the prefix's are raised, as the rate limits are.
 */
const BENCH_SMS_CAPS = { ...DEFAULT_SMS_CAPS, perPrefixPerHour: 10_000, perPrefixPerDay: 10_000 };

const config = {
  ...(await readNodeConfig(configPath)),
  logLevel: 'warn' as const,
  smsCaps: BENCH_SMS_CAPS,
};
const secrets = await loadNodeSecrets(config);
const store = await openStore({ path: nodePaths(config).database, dataKey: secrets.dataKey });
const checkpointer = startCheckpointer(store.db);
const metrics = createNodeMetrics(config.missionId);
const domain = createDomain(store, config);
const app = await buildHttpApp({
  missionId: config.missionId,
  metrics,
  logLevel: config.logLevel,
  rateLimitPerMinute: BENCH_LIMIT,
});
await app.register(healthRoutes, {
  health: domain.health,
  metrics,
  link: undefined,
  version: 'bench',
  config,
  healthzPerMinute: BENCH_LIMIT,
});
const rateLimits: PublicRateLimits = {
  read: BENCH_LIMIT,
  booking: BENCH_LIMIT,
  confirm: BENCH_LIMIT,
  change: BENCH_LIMIT,
  lookup: BENCH_LIMIT,
  lookupWithSecret: BENCH_LIMIT,
  submission: BENCH_LIMIT,
  checkout: BENCH_LIMIT,
};
await app.register(publicApiRoutes, { domain, config, rateLimits });
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`bench server listening on ${url}\n`);
await runUntilSignal(async () => {
  await app.close();
  await domain.close();
  await checkpointer.stop();
  store.close();
});
