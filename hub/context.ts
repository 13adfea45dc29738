import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Identity, TrustStore } from '../protocol/index.js';
import { type EmbeddedBroker, startBroker } from './broker/broker.js';
import { type HubConfig, usesIngestLeases } from './config/config.js';
import type { Database } from './db/database.js';
import { openDatabase } from './db/open-database.js';
import { listenOn } from './db/pg.js';
import { storeConfigOf } from './db/store-config.js';
import { buildHubApp } from './http/app.js';
import { hubHealthRoutes } from './http/health.js';
import { HubIngestLink } from './link/hub-link.js';
import { leaseMetrics } from './link/lease-metrics.js';
import { type ChangeFeed, createChangeFeed, noticeOfOutcome } from './live/change-feed.js';
import { startPgChangeRelay } from './live/pg-change-relay.js';
import { createHubMetrics, type HubMetrics } from './metrics.js';
import { createHubServices, type HubServices } from './services/hub-services.js';
import { hubSecretsKey } from './services/missions/hub-secrets-key.js';
import { loadTrustStore } from './services/missions/trust-loader.js';
import { type OffsiteSettings, offsiteSettingsOf } from './services/offsite/offsite-settings.js';

/** Everything a hub process's parts share, wired once. */
export interface HubContext {
  readonly config: HubConfig;
  readonly hub: Identity;
  readonly db: Database;
  readonly trust: TrustStore;
  readonly metrics: HubMetrics;
  /** The use cases the HTTP layer calls, over this context's store, keys and link. */
  readonly services: HubServices;
  readonly app: FastifyInstance;
  readonly broker: EmbeddedBroker | undefined;
  readonly link: HubIngestLink;
  /** Committed changes, for the dashboards' live updates. */
  readonly changes: ChangeFeed;
  /** Off-site backup settings; undefined when no recovery key is configured (off-site backup off). */
  readonly offsite: OffsiteSettings | undefined;
  /** Reloads the trust store from the database (after an enrolment or a revocation). */
  reloadTrust(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the store, loads the enrolled missions' keys, starts the embedded broker when no external
 * one is configured, connects the ingest link and builds the HTTP app (routes added by the caller).
 */
export async function createHubContext(
  config: HubConfig,
  hub: Identity,
  version: string,
): Promise<HubContext> {
  const db = await openDatabase(storeConfigOf(config));
  const { trust } = await loadTrustStore(db, hub.toPublic());
  trustHub(trust, hub);
  const metrics = createHubMetrics(db);
  const changes = await changeFeedOf(config, db);
  const offsite = offsiteSettingsOf(config.offsite);
  // The link, the broker and the app are made below: the services call them only once running.
  const services = createHubServices({
    db,
    hub,
    trust,
    secretsKey: hubSecretsKey(hub),
    metrics,
    publish: (missionId, envelope) => link.publishDown(missionId, envelope),
    disconnect: (missionId) => broker?.disconnect(missionId),
    onRegistryError: (submissionId, err) => app.log.error({ err, submissionId }, 'registry decision failed'),
    registrySubmissionsPerMissionPerDay: config.registry.submissionsPerMissionPerDay,
    offsiteEnabled: offsite !== undefined,
  });
  const broker =
    config.mqtt.mode === 'embedded'
      ? await startBroker({
          host: config.mqtt.host,
          // Missions use the TLS port; the plain one serves the hub's own link, on the loopback.
          ...(config.mqtt.tls && !config.mqtt.insecure ? { plainHost: '127.0.0.1' } : {}),
          port: config.mqtt.port,
          ...(config.mqtt.tls
            ? {
                tls: {
                  port: config.mqtt.tls.port,
                  cert: readFileSync(config.mqtt.tls.certFile),
                  key: readFileSync(config.mqtt.tls.keyFile),
                },
              }
            : {}),
          trust,
          events: { refused: (kind) => metrics.brokerRefusals.labels(kind).inc() },
        })
      : undefined;
  const url = config.mqtt.mode === 'embedded' ? `mqtt://127.0.0.1:${broker?.port}` : config.mqtt.url;
  const link = new HubIngestLink(db, hub, trust, {
    url,
    clientId: `hub-${process.pid}`,
    softwareVersion: version,
    // An external broker checks the static password of its password file (hub broker-config).
    ...(config.mqtt.mode === 'external'
      ? { shareGroup: config.mqtt.shareGroup, credentials: 'password' as const }
      : {}),
    ...(config.mqtt.mode === 'external' && config.mqtt.caFile
      ? { ca: readFileSync(config.mqtt.caFile) }
      : {}),
    ingest: config.roles.includes('ingest'),
    ...(usesIngestLeases(config)
      ? {
          leases: {
            leaseSeconds: config.ingest.leaseSeconds,
            renewSeconds: config.ingest.renewSeconds,
            roles: config.roles,
            claims: config.roles.includes('ingest'),
          },
        }
      : {}),
    onOutcome: (outcome) => {
      metrics.record(outcome);
      const notice = noticeOfOutcome(outcome);
      if (notice) changes.publish(notice);
    },
    onPresence: (missionId) => changes.publish({ missionId, topic: 'link' }),
    onLeaseLost: () => leases.leaseLost(),
    onKeysChanged: () => reloadTrustFrom(db, hub, trust),
    ...(offsite
      ? {
          offsite,
          onBackupChunk: (missionId: string, kept: boolean) => metrics.offsite.chunk(missionId, kept),
        }
      : {}),
  });
  const leases = leaseMetrics(metrics.registry, () => link.leasedMissions?.length);
  await link.start();
  const app = await buildHubApp({ logLevel: config.logLevel, trustProxy: config.http.trustProxy });
  await app.register(hubHealthRoutes, {
    health: services.health,
    linkConnected: () => link.connected,
    version,
    metricsToken: config.metrics.token,
    offsiteBackup: offsite ? 'on' : 'off',
  });
  if (offsite) app.log.info({ recoveryKeyId: offsite.recoveryKeyId }, 'off-site backups on');
  else app.log.warn('off-site backups off: no recovery key configured (econsulat hub recovery-key create)');
  return {
    config,
    hub,
    db,
    trust,
    metrics,
    services,
    app,
    broker,
    link,
    changes,
    offsite,
    reloadTrust: () => reloadTrustFrom(db, hub, trust),
    async close() {
      await app.close();
      await link.stop();
      await broker?.close();
      await changes.close?.();
      await db.close();
    },
  };
}

/**
 * The change feed of the open dashboards: across every hub process through PostgreSQL's
 * LISTEN/NOTIFY when the hub is on a PostgreSQL server it shares (DATABASE_URL), in this process
 * only on its own embedded database (one process).
 */
async function changeFeedOf(
  config: HubConfig,
  db: Database,
): Promise<ChangeFeed & { close?: () => Promise<void> }> {
  const connectionString = config.databaseUrl;
  if (!connectionString || db.engine !== 'pg') return createChangeFeed();
  return startPgChangeRelay({
    db,
    listen: (channel, onPayload) => listenOn({ connectionString }, channel, onPayload),
  });
}

async function reloadTrustFrom(db: Database, hub: Identity, trust: TrustStore): Promise<void> {
  const fresh = await loadTrustStore(db, hub.toPublic());
  for (const key of fresh.trust.allKeys()) trust.trust(key);
  trust.applyRevocations(fresh.trust.revocationListSerial, fresh.trust.revocationEntries());
}

function trustHub(trust: TrustStore, hub: Identity): void {
  // The hub's own key, so that its broker token verifies at the embedded broker.
  trust.trust({ identity: hub.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
}
