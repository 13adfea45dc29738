/**
 * The roll-call benchmark's server, run in its own process (`node --import tsx _roll-call-server.ts
 * <node.json>`): the mission node's HTTP app as createNodeContext builds it (buildHttpApp, health
 * routes, the gateway's inbound SMS callback over the real store and domain), with the rate limits
 * raised — every request of the load generator comes from 127.0.0.1 — and the background
 * checkpointer. No hub link, no SMS dispatcher, no scheduled jobs: the HTTP path alone.
 */
import { nodePaths } from '../../node/config/config.js';
import { loadNodeSecrets } from '../../node/config/secrets.js';
import { startCheckpointer } from '../../node/db/checkpointer.js';
import { openStore } from '../../node/db/store.js';
import { buildHttpApp } from '../../node/http/app.js';
import { healthRoutes } from '../../node/http/health.js';
import { smsInboundRoutes } from '../../node/http/sms/sms-inbound-routes.js';
import { createNodeMetrics } from '../../node/metrics.js';
import { createDomain } from '../../node/services/domain.js';
import { readNodeConfig } from '../commands/node.js';
import { runUntilSignal } from '../process/run-until-signal.js';

/** Requests per minute per address: far above what the benchmark sends. */
const BENCH_LIMIT = 10_000_000;

const configPath = process.argv[2];
const token = process.argv[3];
if (!configPath || !token) throw new TypeError('usage: _roll-call-server.ts <node.json> <gateway token>');
const read = await readNodeConfig(configPath);
const config = {
  ...read,
  logLevel: 'warn' as const,
  // The callback's own limit, per gateway address, at its highest (node config allows 100,000/min).
  ussd: { ...read.ussd, token, perAddressPerMinute: 100_000 },
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
await app.register(smsInboundRoutes, { domain, config });
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`bench server listening on ${url}\n`);
await runUntilSignal(async () => {
  await app.close();
  await domain.close();
  await checkpointer.stop();
  store.close();
});
