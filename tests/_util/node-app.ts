import type { FastifyInstance } from 'fastify';
import { type NodeConfig, type NodeConfigInput, nodeConfigSchema } from '../../node/config/config.js';
import type { Store } from '../../node/db/store.js';
import { buildHttpApp } from '../../node/http/app.js';
import { createNodeMetrics, type NodeMetrics } from '../../node/metrics.js';
import { seedCalendars } from '../../node/services/appointments/calendar-seed.js';
import { seedCatalogue } from '../../node/services/catalogue/seed.js';
import { createDomain, type Domain } from '../../node/services/domain.js';
import { TEST_METRICS_TOKEN } from './metrics-scrape.js';
import { openTempStore } from './node-store.js';

/** What a route plugin under test is given: the node's parts it may use (never the store). */
export interface TestNodeDeps {
  readonly domain: Domain;
  readonly config: NodeConfig;
  readonly now: () => Date;
  /** The app's own metrics (what a route counts shows here). */
  readonly metrics: NodeMetrics;
}

/** A route plugin, as the node registers them: `(app, deps)`; its deps may be any subset of these. */
export type TestNodePlugin = (app: FastifyInstance, deps: TestNodeDeps) => Promise<void>;

/** Options of {@link buildTestNode}. */
export interface TestNodeOptions {
  readonly plugins?: readonly TestNodePlugin[];
  /** Fields over the default Paris configuration. */
  readonly config?: Partial<NodeConfigInput>;
  /** The domain's clock (default: the real one). */
  readonly now?: () => Date;
  /** Seeds the catalogue and calendars (default true). */
  readonly seed?: boolean;
  readonly bodyLimit?: number;
}

/** A mission node's HTTP app over a temporary store; `cleanup` closes everything. */
export interface TestNode extends TestNodeDeps {
  /** The store under the domain, for a test to arrange and inspect data. */
  readonly store: Store;
  readonly app: FastifyInstance;
  readonly dir: string;
  cleanup(): Promise<void>;
}

/** The Paris mission the node tests run, with its data in `dataDir`, quiet logs, and `overrides`. */
export function parisNodeConfig(dataDir: string, overrides: Partial<NodeConfigInput> = {}): NodeConfig {
  return nodeConfigSchema.parse({
    missionId: 'fr-paris',
    missionName: 'Ambassade de Centrafrique à Paris',
    dataDir,
    http: {},
    timeZone: 'Europe/Paris',
    region: 'FR',
    hostCurrency: 'EUR',
    logLevel: 'silent',
    metrics: { token: TEST_METRICS_TOKEN },
    ...overrides,
  });
}

/**
 * Builds the node's fastify app with the given route plugins over a fresh, migrated store and the
 * domain services, as node/context.ts does, for tests that go through `app.inject()`.
 */
export async function buildTestNode(options: TestNodeOptions = {}): Promise<TestNode> {
  const temp = await openTempStore();
  const now = options.now ?? (() => new Date());
  const config = parisNodeConfig(temp.dir, { simulatedPayments: true, ...options.config });
  if (options.seed !== false) {
    seedCatalogue(temp.store, { hostCurrency: config.hostCurrency, now: now() });
    seedCalendars(temp.store, now());
  }
  const domain = createDomain(temp.store, config, now);
  const metrics = createNodeMetrics(config.missionId);
  const app = await buildHttpApp({
    missionId: config.missionId,
    metrics,
    logLevel: config.logLevel,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
  });
  const deps: TestNodeDeps = { domain, config, now, metrics };
  for (const plugin of options.plugins ?? []) await app.register(plugin, deps);
  await app.ready();
  return {
    ...deps,
    store: temp.store,
    app,
    dir: temp.dir,
    cleanup: async () => {
      await app.close();
      await domain.close();
      await temp.cleanup();
    },
  };
}
