import { readFile } from 'node:fs/promises';
import { schedule } from 'node-cron';
import type { Identity } from '../protocol/index.js';
import type { HubConfig } from './config/config.js';
import { createHubContext, type HubContext } from './context.js';
import { loginRoutes } from './http/auth/login-route.js';
import { requirePermission } from './http/auth/require-permission.js';
import { offsiteRoutes } from './http/offsite-routes.js';
import { registryRoutes } from './http/registry-routes.js';
import { rollCallRoutes } from './http/roll-call-routes.js';
import { hubApiRoutes } from './http/routes.js';
import { trustRoutes } from './http/trust-routes.js';
import { userRoutes } from './http/user-routes.js';
import { verifierPageRoutes } from './http/verifier-page-routes.js';
import { visaRevocationRoutes } from './http/visa-revocation-routes.js';
import { hubWebRoutes } from './http/web/index.js';
import { registryPages } from './http/web/registry-pages.js';
import { rollCallPages } from './http/web/roll-call-pages.js';
import { startOffsiteJobs } from './offsite-jobs.js';
import { pruneJobRuns, runOncePerPeriod } from './run-once.js';
import { pruneRecordCopies } from './services/channels/record-copies.js';
import { remindUnacknowledged } from './services/directives/remind-directives.js';
import { pruneAcknowledgedOutbound } from './services/outbound.js';
import { startReconcileLoop } from './services/registry/reconcile-loop.js';

/** The ministry's hub: HTTP API, ingest link and (by default) embedded broker, started together. */
export interface MinistryHub {
  readonly context: HubContext;
  /** Listens on the configured address; returns the URL. */
  start(): Promise<string>;
  close(): Promise<void>;
}

const TRUST_RELOAD_MS = 30_000;

/**
 * Builds the hub from its configuration and identity; nothing listens for HTTP until start().
 * Its roles (config `roles`) pick what this process runs: the link takes the missions' envelopes
 * with `ingest` (context.ts), the pages and the API come with `web`, the scheduled jobs with
 * `jobs`; /healthz and /metrics answer in every process.
 */
export async function createHub(config: HubConfig, identity: Identity): Promise<MinistryHub> {
  const context = await createHubContext(config, identity, await softwareVersion());
  if (config.roles.includes('web')) await registerWeb(context, config);
  // Missions enrolled by another hub process (or the command line) become known without a restart.
  const reload = setInterval(() => void context.reloadTrust().catch(() => undefined), TRUST_RELOAD_MS);
  reload.unref();
  const jobs = config.roles.includes('jobs') ? startJobs(context, config, identity) : undefined;
  return {
    context,
    start: () => context.app.listen({ host: config.http.host, port: config.http.port }),
    async close() {
      clearInterval(reload);
      await jobs?.stop();
      await context.close();
    },
  };
}

/** The pages, login and the JSON API (the `web` role). */
async function registerWeb(context: HubContext, config: HubConfig): Promise<void> {
  const { services } = context;
  const { auth, registry } = services;
  await context.app.register(loginRoutes, { auth });
  await context.app.register(hubWebRoutes, {
    services,
    changes: context.changes,
    secureCookies: config.http.secureCookies,
    pages: [registryPages(registry), rollCallPages(services.rollCalls)],
  });
  await context.app.register(hubApiRoutes, {
    services,
    guard: (permission) => requirePermission(permission, { auth }),
    actor: (request) => request.user?.displayName ?? 'unknown',
  });
  await context.app.register(registryRoutes, {
    registry,
    guard: (permission) => requirePermission(permission, { auth }),
    officer: (request) => request.user?.username ?? 'unknown',
  });
  await context.app.register(rollCallRoutes, {
    rollCalls: services.rollCalls,
    guard: (permission) => requirePermission(permission, { auth }),
    actor: (request) => request.user?.displayName ?? 'unknown',
  });
  await context.app.register(offsiteRoutes, {
    offsite: services.offsite,
    guard: (permission) => requirePermission(permission, { auth }),
  });
  await context.app.register(userRoutes, {
    users: services.users,
    guard: (permission) => requirePermission(permission, { auth }),
  });
  await context.app.register(trustRoutes, { visaTrust: services.visaTrust });
  await context.app.register(verifierPageRoutes, {});
  await context.app.register(visaRevocationRoutes, {
    visaTrust: services.visaTrust,
    guard: (permission) => requirePermission(permission, { auth }),
  });
}

/**
 * The scheduled jobs (the `jobs` role). Among several processes with this role each runs once per
 * period (run-once.ts); the registry passes exclude one another by the registry's own lock.
 */
function startJobs(context: HubContext, config: HubConfig, identity: Identity) {
  const holder = context.link.leaseHolder ?? `hub-${process.pid}`;
  const reconcile = startReconcileLoop(context.services.registry, (err) =>
    context.app.log.error({ err }, 'registry reconciliation failed'),
  );
  const reminders = schedule('17 * * * *', async () => {
    try {
      await runOncePerPeriod(context.db, 'directive-reminders', 'hour', holder, async () => {
        for (const { missionId, envelope } of await remindUnacknowledged(
          context.db,
          identity,
          context.trust,
          new Date(),
        )) {
          context.link.publishDown(missionId, envelope);
        }
      });
    } catch (error) {
      context.app.log.error({ err: error }, 'directive reminders failed');
    }
  });
  const pruning = schedule('43 3 * * *', async () => {
    try {
      await runOncePerPeriod(context.db, 'pruning', 'day', holder, async () => {
        const days = config.retention.acknowledgedEnvelopesDays;
        const before = new Date(Date.now() - days * 86_400_000);
        await pruneAcknowledgedOutbound(context.db, before);
        await pruneRecordCopies(context.db, before);
        await pruneJobRuns(context.db, before);
      });
    } catch (error) {
      context.app.log.error({ err: error }, 'pruning acknowledged envelopes and record copies failed');
    }
  });
  const offsite = context.offsite ? startOffsiteJobs(context, identity, context.offsite, holder) : undefined;
  return {
    async stop() {
      await pruning.stop();
      await reminders.stop();
      await reconcile.stop();
      await offsite?.stop();
    },
  };
}

async function softwareVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
