/**
 * What the benchmarks' node servers share, each run in its own process: the mission node's HTTP app
 * as createNodeContext builds it (buildHttpApp, health routes over the real store and domain), the
 * rate limits raised — every request of a load generator comes from 127.0.0.1 — and the background
 * checkpointer the node runs beside its event loop. No hub link, no SMS dispatcher, no scheduled
 * jobs: the HTTP path alone. Each server adds its routes, then this listens until a signal.
 */
import type { FastifyInstance } from 'fastify';
import { type NodeConfig, nodePaths } from '../../node/config/config.js';
import { loadNodeSecrets } from '../../node/config/secrets.js';
import { startCheckpointer } from '../../node/db/checkpointer.js';
import { openStore } from '../../node/db/store.js';
import { buildHttpApp } from '../../node/http/app.js';
import { healthRoutes } from '../../node/http/health.js';
import { createNodeMetrics } from '../../node/metrics.js';
import { createDomain, type Domain } from '../../node/services/domain.js';
import { runUntilSignal } from '../process/run-until-signal.js';

/** Requests per minute per address: far above what a benchmark sends. */
export const BENCH_LIMIT = 10_000_000;

/** Serves the node's app with the routes `register` adds, prints its address, stops on a signal. */
export async function serveBenchNode(
  config: NodeConfig,
  register: (app: FastifyInstance, domain: Domain) => Promise<void>,
): Promise<void> {
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
  await register(app, domain);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`bench server listening on ${url}\n`);
  await runUntilSignal(async () => {
    await app.close();
    await domain.close();
    await checkpointer.stop();
    store.close();
  });
}
