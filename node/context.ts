import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { CountryCode } from 'libphonenumber-js';
import { CERTIFICATE_RENEWAL, importKeyFile, OFFSITE_POLICY, OFFSITE_STATUS } from '../protocol/index.js';
import { createOffsiteBackups } from './backup/offsite/offsite-service.js';
import { type NodeConfig, nodePaths } from './config/config.js';
import type { NodeSecrets } from './config/secrets.js';
import { type Checkpointer, startCheckpointer } from './db/checkpointer.js';
import { openStore, type Store } from './db/store.js';
import { publicApiRoutes } from './http/api/public/index.js';
import { staffApiRoutes } from './http/api/staff/index.js';
import { buildHttpApp } from './http/app.js';
import { backofficeRoutes } from './http/backoffice/index.js';
import { healthRoutes } from './http/health.js';
import { readHttpsFiles } from './http/https-options.js';
import { liveRoutes } from './http/live/live-routes.js';
import { portalRoutes } from './http/portal/index.js';
import { androidWebhookRoutes } from './http/sms/android-webhook-routes.js';
import { smsInboundRoutes } from './http/sms/sms-inbound-routes.js';
import { smsReceiptRoutes } from './http/sms/sms-receipt-routes.js';
import { callerPhone } from './http/ussd/ussd-callback.js';
import { ussdRoutes } from './http/ussd/ussd-routes.js';
import { type RunningJobs, startJobs } from './jobs/schedule.js';
import { downHandlers } from './link/handlers/index.js';
import { HubLink } from './link/hub-connection.js';
import { adoptCertifiedKey, promoteNextKey, readKeyFileIfAny, rotationPaths } from './link/key-files.js';
import type { LinkContext } from './link/link-context.js';
import { createOffsiteLink, type OffsiteLink } from './link/offsite-attachment.js';
import { loadTrustMaterial } from './link/trust-material.js';
import { createNodeMetrics, type NodeMetrics } from './metrics.js';
import { createSmsGateway } from './notify/sms-adapter.js';
import { startSmsDispatcher } from './notify/sms-dispatcher.js';
import type { SmsGateway } from './notify/sms-gateways.js';
import { createDomain, type Domain } from './services/domain.js';
import { documentsDirIn } from './services/files/scan-files.js';

/** Everything a node's parts share, wired once. */
export interface NodeContext {
  readonly config: NodeConfig;
  readonly store: Store;
  readonly domain: Domain;
  readonly metrics: NodeMetrics;
  readonly app: FastifyInstance;
  readonly link: HubLink | undefined;
  readonly linkContext: LinkContext | undefined;
  readonly sms: SmsGateway;
  /** Starts the link, the background jobs and checkpoints (after the HTTP server listens). */
  startBackground(): void;
  close(): Promise<void>;
}

/** Opens the store, loads the trust material, builds the link and the HTTP app. */
export async function createNodeContext(
  config: NodeConfig,
  secrets: NodeSecrets,
  version: string,
): Promise<NodeContext> {
  const paths = nodePaths(config);
  const store = await openStore({ path: paths.database, dataKey: secrets.dataKey });
  const metrics = createNodeMetrics(config.missionId);
  const domain = createDomain(store, config, undefined, secrets);
  domain.sms.onCapped(({ reason, purpose, outcome }) => metrics.smsCapped.inc({ reason, purpose, outcome }));
  // A key rotation certified while the node was stopped, or cut short by a crash, is finished first.
  const identity = promoteNextKey(config, store) ?? secrets.identity;
  const trust = loadTrustMaterial(store);
  const linkContext: LinkContext | undefined = trust
    ? {
        store,
        self: identity,
        hub: trust.hub,
        trust: trust.trust,
        now: Date.now,
        softwareVersion: version,
        batch: { maxEvents: 500, maxBytes: 256 * 1024 },
        nextIdentity: () => readKeyFileIfAny(rotationPaths(config).nextKey),
      }
    : undefined;
  const offsite = createOffsiteBackups({
    store,
    dataKey: secrets.dataKey,
    identity,
    // Read again at each pack (currentIdentity): a key rotation replaces the file.
    identityKeyFile: '',
    nodeConfig: JSON.stringify(config),
    siteDir: config.dataDir,
    currentIdentity: async () => {
      const keyFile = await readFile(paths.identityKey, 'utf8');
      const mode = (await stat(paths.identityKey)).mode;
      return { identity: importKeyFile(keyFile, mode, paths.identityKey), keyFile };
    },
    dirs: { backups: paths.backups, documents: documentsDirIn(config.dataDir) },
  });
  metrics.offsite.watch(offsite);
  // Off-site backups travel on the link's connection: without a link there is nowhere to send them.
  const offsiteLink: OffsiteLink | undefined =
    linkContext && config.mqtt
      ? createOffsiteLink({
          store,
          offsite,
          missionId: config.missionId,
          kick: () => link?.kick(),
          log: {
            error: (err, message) => app.log.error({ err }, message),
            warn: (err, message) => app.log.warn({ err }, message),
          },
        })
      : undefined;
  const link =
    linkContext && config.mqtt
      ? new HubLink(linkContext, downHandlers(), {
          url: config.mqtt.url,
          credentials: config.mqtt.credentials,
          ...(config.mqtt.caFile ? { ca: readFileSync(config.mqtt.caFile) } : {}),
          onRefused: (reason) => metrics.envelopesRefused.labels(reason).inc(),
          onApplied: (type) => {
            metrics.messagesApplied.labels(type).inc();
            if (type === CERTIFICATE_RENEWAL && adoptCertifiedKey(config, linkContext)) link?.kick();
            if (type === OFFSITE_STATUS) offsiteLink?.statusApplied();
            if (type === OFFSITE_POLICY) offsiteLink?.policyApplied();
          },
          ...(offsiteLink ? { attachments: [offsiteLink.attachment] } : {}),
        })
      : undefined;
  const sms = createSmsGateway(config.sms, secrets.sms, paths.smsOutbox, {
    onReceipt: (receipt) => domain.sms.applyReceipt(receipt),
    onInbound: (inbound) =>
      domain.rollCalls.receiveSmsDurably({
        from: callerPhone(inbound.from, config.region as CountryCode),
        rawFrom: inbound.from,
        text: inbound.text,
        gatewayId: inbound.id,
      }),
  });
  const app = await buildHttpApp({
    missionId: config.missionId,
    metrics,
    logLevel: config.logLevel,
    trustProxy: config.http.trustProxy,
    https: readHttpsFiles(config.http.tls),
  });
  await app.register(healthRoutes, { health: domain.health, metrics, link, version, config });
  await app.register(publicApiRoutes, { domain, config });
  const staffDeps = { domain, config };
  await app.register(staffApiRoutes, staffDeps);
  await app.register(backofficeRoutes, staffDeps);
  await app.register(liveRoutes, staffDeps);
  await app.register(portalRoutes, { domain, config });
  await app.register(ussdRoutes, { domain, config, metrics });
  await app.register(smsInboundRoutes, { domain, config });
  await app.register(smsReceiptRoutes, { domain, config });
  await app.register(androidWebhookRoutes, { domain, config, signingKey: secrets.sms?.androidSigningKey });
  let dispatcher: ReturnType<typeof startSmsDispatcher> | undefined;
  let jobs: RunningJobs | undefined;
  let checkpointer: Checkpointer | undefined;
  return {
    config,
    store,
    domain,
    metrics,
    app,
    link,
    linkContext,
    sms,
    startBackground() {
      checkpointer = startCheckpointer(store.db, {
        onError: (err) => app.log.error({ err }, 'background checkpoint failed: commits checkpoint again'),
      });
      link?.start();
      dispatcher = startSmsDispatcher(store, sms, {
        onError: (err) => app.log.error({ err }, 'sms dispatch failed'),
      });
      jobs = startJobs({
        store,
        appointments: domain.appointments,
        payments: domain.payments,
        config,
        log: app.log,
        ...(offsiteLink ? { offsite: () => offsiteLink.packAndAnnounce() } : {}),
      });
    },
    async close() {
      await dispatcher?.stop();
      await sms.close?.();
      // Waits for a job in progress: a backup being written is never cut off by the close.
      await jobs?.stop();
      await offsiteLink?.sender.stop();
      await link?.stop();
      await app.close();
      await domain.close();
      await checkpointer?.stop();
      store.close();
    },
  };
}
