import type { LockoutPolicy } from '../../common/auth/index.js';
import type { Identity, TrustStore } from '../../protocol/index.js';
import type { Database } from '../db/database.js';
import type { HubMetrics } from '../metrics.js';
import { type CatalogueService, createCatalogueService } from './catalogue/catalogue-service.js';
import { createDashboardService, type DashboardService } from './dashboard/dashboard-service.js';
import { createDirectivesService, type DirectivesService } from './directives/directives-service.js';
import { createExportsService, type ExportsService } from './exports/exports-service.js';
import { createHealthService, type HealthService } from './health/health-service.js';
import { createMissionsService, type MissionsService } from './missions/missions-service.js';
import { createOffsiteService, type OffsiteService } from './offsite/offsite-service.js';
import { createRegistryService, type RegistryService } from './registry/registry-service.js';
import { createRollCallsService, type RollCallsService } from './roll-calls/roll-calls-service.js';
import { type AuthService, createAuthService } from './users/auth-service.js';
import type { PasswordHasher } from './users/password-hasher.js';
import type { SessionPolicy } from './users/sessions.js';
import { createUserManagementService, type UserManagementService } from './users/user-management.js';
import { createVisaTrustService, type VisaTrustService } from './visa-trust/visa-trust-service.js';

/** What the hub's services are built from, once per process (context.ts). Tests build it directly. */
export interface HubServiceDeps {
  readonly db: Database;
  /** The ministry's identity: signs and seals what goes down to the missions. */
  readonly hub: Identity;
  /** The missions' keys, and the revocations in force. */
  readonly trust: TrustStore;
  /** 32 bytes: opens TOTP secrets and keys recovery-code hashes (hubSecretsKey). */
  readonly secretsKey: Uint8Array;
  /** The hub's Prometheus metrics, reported by `/metrics`. */
  readonly metrics: Pick<HubMetrics, 'registry'>;
  /** Publishes a sealed envelope to a mission once committed (the hub's link). */
  readonly publish: (missionId: string, envelope: Uint8Array) => void;
  /** Ends a mission's broker connection, after its revocation. */
  readonly disconnect: (missionId: string) => void;
  /** The hub's clock: the wall clock unless a test sets another. */
  readonly now?: () => Date;
  readonly sessions?: SessionPolicy;
  readonly lockout?: LockoutPolicy;
  readonly hasher?: PasswordHasher;
  /** Whether off-site backups are on: a recovery key is configured (config `offsite`). */
  readonly offsiteEnabled?: boolean;
  /** Told of a registry decision that failed in the background. */
  readonly onRegistryError?: (submissionId: string, error: unknown) => void;
  /** How many of one mission's submissions the registry's rules decide per UTC day (config `registry`). */
  readonly registrySubmissionsPerMissionPerDay?: number;
}

/** The hub's use cases, one object per area: what the HTTP layer calls instead of the store. */
export interface HubServices {
  /** The clock every service reads; a page that resolves a period or dates a form reads it too. */
  readonly now: () => Date;
  readonly auth: AuthService;
  readonly missions: MissionsService;
  readonly directives: DirectivesService;
  readonly catalogue: CatalogueService;
  readonly dashboard: DashboardService;
  readonly exports: ExportsService;
  readonly health: HealthService;
  readonly registry: RegistryService;
  /** Crisis roll-calls ordered to missions, and the counts they report. */
  readonly rollCalls: RollCallsService;
  /** The ministry's accounts, administered by users holding `users.manage`. */
  readonly users: UserManagementService;
  /** The missions' off-site backups: their standing, and what a restore downloads. */
  readonly offsite: OffsiteService;
  /** The seal trust: CSCA, the missions' signer certificates, revoked visas; the bundle it publishes. */
  readonly visaTrust: VisaTrustService;
}

/** Builds every service of the hub over the same store, keys and clock. */
export function createHubServices(deps: HubServiceDeps): HubServices {
  const now = deps.now ?? (() => new Date());
  const { db, hub, trust, publish } = deps;
  const dashboard = createDashboardService({ db, now });
  return {
    now,
    auth: createAuthService({
      db,
      now,
      secretsKey: deps.secretsKey,
      ...(deps.hasher ? { hasher: deps.hasher } : {}),
      ...(deps.sessions ? { sessions: deps.sessions } : {}),
      ...(deps.lockout ? { lockout: deps.lockout } : {}),
    }),
    missions: createMissionsService({ db, hub, trust, now, publish, disconnect: deps.disconnect }),
    directives: createDirectivesService({ db, hub, trust, publish, now }),
    catalogue: createCatalogueService({ db, hub, trust, publish, now }),
    dashboard,
    exports: createExportsService({ db, dashboard, now }),
    health: createHealthService({ db, metrics: deps.metrics }),
    registry: createRegistryService({
      db,
      hub,
      trust,
      publish,
      now,
      ...(deps.onRegistryError ? { onError: deps.onRegistryError } : {}),
      ...(deps.registrySubmissionsPerMissionPerDay
        ? { submissionsPerMissionPerDay: deps.registrySubmissionsPerMissionPerDay }
        : {}),
    }),
    rollCalls: createRollCallsService({ db, hub, trust, publish, now }),
    users: createUserManagementService({ db, now, ...(deps.hasher ? { hasher: deps.hasher } : {}) }),
    offsite: createOffsiteService({ db, now, isEnabled: deps.offsiteEnabled ?? false }),
    visaTrust: createVisaTrustService({ db, now }),
  };
}
