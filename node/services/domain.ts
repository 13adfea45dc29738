import { randomBytes } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import { createPasswordPool, type PasswordHasher } from '../../common/auth/index.js';
import { missionPrefix, type NodeConfig } from '../config/config.js';
import type { NodeSecrets } from '../config/secrets.js';
import { stripeApiOf } from '../config/stripe-config.js';
import type { Store } from '../db/store.js';
import { type Appointments, createAppointments } from './appointments/appointments.js';
import { createMissionHours, type MissionHours } from './appointments/mission-hours.js';
import { type CatalogueService, createCatalogueService } from './catalogue/catalogue-service.js';
import { type ChangeFeed, createChangeFeed } from './changes/change-feed.js';
import { type CivilStatusService, createCivilStatusService } from './civil-status/civil-status-service.js';
import { createDirectiveService, type DirectiveService } from './directives/directive-service.js';
import { createFileService, type FileService } from './files/file-service.js';
import { createHealthReadings, type HealthReadings } from './health/health-readings.js';
import { bindSmsCaps } from './outbox/sms-cap-policy.js';
import { createPaymentService, type PaymentService } from './payments/payment-service.js';
import type { PaymentProvider } from './payments/provider.js';
import { MomoProvider } from './payments/providers/momo-provider.js';
import { StripeProvider } from './payments/providers/stripe-provider.js';
import { SimulatedProvider } from './payments/simulated-provider.js';
import { createPeopleRepository, type PeopleRepository } from './people/people-repository.js';
import { createRecoveryService, type RecoveryService } from './recovery/recovery-service.js';
import { createRegistrationService, type RegistrationService } from './registrations/registration-service.js';
import { createRollCallService, type RollCallService } from './roll-calls/roll-call-service.js';
import { createSmsStatusService, type SmsStatusService } from './sms/sms-status-service.js';
import { createStaffService, type StaffService } from './staff/staff-service.js';
import { createSurveyService, type SurveyService } from './surveys/survey-service.js';
import { createVisaService, type VisaService } from './visas/visa-service.js';
import { keysDirectorySigner } from './visas/visa-signer.js';

/** The mission's domain services, wired once over one store. */
export interface Domain {
  readonly people: PeopleRepository;
  readonly appointments: Appointments;
  readonly files: FileService;
  readonly payments: PaymentService;
  readonly registrations: RegistrationService;
  readonly civilStatus: CivilStatusService;
  readonly staff: StaffService;
  readonly catalogue: CatalogueService;
  readonly missionHours: MissionHours;
  readonly directives: DirectiveService;
  readonly sms: SmsStatusService;
  readonly recovery: RecoveryService;
  readonly surveys: SurveyService;
  readonly rollCalls: RollCallService;
  readonly visas: VisaService;
  /** What the health probe and the metrics read. */
  readonly health: HealthReadings;
  /** Every committed change, whoever made it: the agents' open screens listen (http/live). */
  readonly changes: ChangeFeed;
  readonly hasher: PasswordHasher;
  /** The simulated payment provider, when enabled (demo, training). */
  readonly simulatedProvider: SimulatedProvider | undefined;
  close(): Promise<void>;
}

/** Builds every domain service from the configuration (and the providers' secrets, where enabled). */
export function createDomain(
  store: Store,
  config: NodeConfig,
  now: () => Date = () => new Date(),
  secrets: Pick<NodeSecrets, 'stripe' | 'momo'> = {},
): Domain {
  const defaultRegion = config.region as CountryCode;
  const prefix = missionPrefix(config);
  const people = createPeopleRepository({ store, defaultRegion, now });
  const files = createFileService({ store, people, trackingPrefix: prefix, defaultRegion, now });
  const simulatedProvider = config.simulatedPayments
    ? new SimulatedProvider({ secret: randomBytes(32).toString('base64url') })
    : undefined;
  const hasher = createPasswordPool();
  const changes = createChangeFeed(store);
  // Before any service can queue an SMS: every sender is capped through the store (sms-cap-policy.ts).
  bindSmsCaps(store, config.smsCaps);
  const payments = createPaymentService({
    store,
    receiptPrefix: prefix,
    timeZone: config.timeZone,
    files,
    people,
    providers: [
      simulatedProvider as PaymentProvider | undefined,
      stripeProvider(config, secrets),
      momoProvider(config, secrets),
    ].filter(isProvider),
    now,
  });
  return {
    people,
    files,
    appointments: createAppointments({ store, people, timeZone: config.timeZone, defaultRegion, now }),
    payments,
    registrations: createRegistrationService({ store, defaultRegion, now }),
    civilStatus: createCivilStatusService({ store, defaultRegion, now }),
    staff: createStaffService({ store, hasher, now, issuer: `e-Consulat RCA ${config.missionName}` }),
    catalogue: createCatalogueService({ store }),
    missionHours: createMissionHours({ store }),
    directives: createDirectiveService({ store, now }),
    sms: createSmsStatusService({ store }),
    recovery: createRecoveryService({ store, now }),
    surveys: createSurveyService({ store, now }),
    rollCalls: createRollCallService({
      store,
      now,
      ...(config.http.publicUrl === undefined ? {} : { publicUrl: config.http.publicUrl }),
    }),
    visas: createVisaService({
      store,
      files,
      payments,
      catalogue: createCatalogueService({ store }),
      signer: keysDirectorySigner(config.dataDir),
      missionName: config.missionName,
      currency: config.hostCurrency,
      now,
    }),
    health: createHealthReadings({ store }),
    hasher,
    changes,
    simulatedProvider,
    close: async () => {
      changes.close();
      await hasher.close();
    },
  };
}

// node.json enables Stripe; its keys come with the secrets, and a node enabled without them fails to start.
function stripeProvider(
  config: NodeConfig,
  secrets: Pick<NodeSecrets, 'stripe'>,
): StripeProvider | undefined {
  if (config.stripe === undefined) return undefined;
  if (secrets.stripe === undefined)
    throw new TypeError('Stripe is enabled in the configuration without its keys');
  const api = stripeApiOf(config.stripe);
  return new StripeProvider({
    ...secrets.stripe,
    toleranceSeconds: config.stripe.toleranceSeconds,
    ...(config.stripe.returnUrl === undefined ? {} : { returnUrl: config.stripe.returnUrl }),
    ...(api === undefined ? {} : { api }),
  });
}

// node.json enables MTN MoMo; its keys come with the secrets, like Stripe's.
function momoProvider(config: NodeConfig, secrets: Pick<NodeSecrets, 'momo'>): MomoProvider | undefined {
  if (config.momo === undefined) return undefined;
  if (secrets.momo === undefined)
    throw new TypeError('MTN MoMo is enabled in the configuration without its keys');
  return new MomoProvider({
    ...secrets.momo,
    apiUrl: config.momo.apiUrl,
    targetEnvironment: config.momo.targetEnvironment,
    publicUrl: config.momo.publicUrl,
    defaultRegion: config.region as CountryCode,
    pendingLifetimeMs: config.momo.pendingMinutes * 60_000,
  });
}

function isProvider(provider: PaymentProvider | undefined): provider is PaymentProvider {
  return provider !== undefined;
}
