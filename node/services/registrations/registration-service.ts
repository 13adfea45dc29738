import type { CountryCode } from 'libphonenumber-js';
import type { Store } from '../../db/store.js';
import { createPeopleRepository } from '../people/people-repository.js';
import { type IdentityCheckInput, identityCheckOf, type RecordedIdentityCheck } from './identity-check.js';
import { utcDay } from './partial-date.js';
import { REGISTRATION_ENTITY } from './registration-census.js';
import type { RegistrationContext } from './registration-change.js';
import { type ConsentEntry, consentHistory } from './registration-consent.js';
import {
  activateRegistration,
  changeConsent,
  type DeregistrationReason,
  deregister,
  expireDueRegistrations,
  issueConsularCard,
  rejectRegistration,
  renewRegistration,
  updateCensus,
  updateDetails,
  verifyRegistration,
} from './registration-operations.js';
import {
  loadRegistration,
  type Registration,
  type RegistrationState,
  selectRegistrations,
} from './registration-rows.js';
import type { CensusInput, ConsentChange, DetailsPatch, RegistrationInput } from './registration-schema.js';
import { submitRegistration } from './registration-submit.js';
import { listRegistryFollowUps } from './registry-reconcile.js';
import { listTransitions, type Transition } from './workflow-log.js';

/** What the registrations service needs. */
export interface RegistrationDeps {
  readonly store: Store;
  /** The host country: national phone numbers of new persons are read in it. */
  readonly defaultRegion: CountryCode;
  /** Years a registration stays valid before renewal (consular practice: 5). */
  readonly validityYears?: number;
  readonly now?: () => Date;
}

/**
 * Consular registration of nationals with the skills census and recorded consent. Every method
 * validates its input and throws a RegistrationError with a stable code when it refuses.
 */
export interface RegistrationService {
  submit(input: RegistrationInput, actor: string): Registration;
  get(id: string): Registration | undefined;
  findByPerson(personId: string): Registration[];
  /** Registrations in one state, oldest submission first. */
  listInState(state: RegistrationState): Registration[];
  /** Registrations the national registry sent back for a human look, oldest decision first. */
  flaggedByRegistry(): Registration[];
  /** Who moved the registration, when, from which state to which. */
  history(id: string): Transition[];
  /** Every consent given or withdrawn, oldest first. */
  consents(id: string): ConsentEntry[];
  /** Verified by an agent; with `check`, the identity document they held (which the registry needs). */
  verify(id: string, actor: string, check?: IdentityCheckInput): Registration;
  /** The identity document an agent checked for the registration, if one did. */
  identityCheck(id: string): RecordedIdentityCheck | undefined;
  activate(id: string, actor: string, consularCardNumber?: string): Registration;
  issueCard(id: string, actor: string, cardNumber: string): Registration;
  reject(id: string, actor: string, reason: string): Registration;
  renew(id: string, actor: string): Registration;
  deregister(id: string, actor: string, reason: DeregistrationReason): Registration;
  /** Expires the registrations whose period has ended (a daily job); returns their ids. */
  expireDue(): string[];
  changeConsent(id: string, change: ConsentChange, actor: string): Registration;
  updateCensus(id: string, census: CensusInput, actor: string): Registration;
  updateDetails(id: string, patch: DetailsPatch, actor: string): Registration;
}

/** Builds the service over a store. */
export function createRegistrationService(deps: RegistrationDeps): RegistrationService {
  const now = deps.now ?? (() => new Date());
  const ctx: RegistrationContext = {
    store: deps.store,
    people: createPeopleRepository({ store: deps.store, defaultRegion: deps.defaultRegion, now }),
    defaultRegion: deps.defaultRegion,
    now,
    today: utcDay(now),
    validityYears: deps.validityYears ?? 5,
  };
  return {
    submit: (input, actor) => submitRegistration(ctx, input, actor),
    get: (id) => loadRegistration(ctx.store, id),
    findByPerson: (personId) => selectRegistrations(ctx.store, 'person_id', personId),
    listInState: (state) => selectRegistrations(ctx.store, 'state', state),
    flaggedByRegistry: () => flaggedByRegistry(ctx.store),
    history: (id) => listTransitions(ctx.store, REGISTRATION_ENTITY, id),
    consents: (id) => consentHistory(ctx.store, id),
    verify: (id, actor, check) => verifyRegistration(ctx, id, actor, check),
    identityCheck: (id) => identityCheckOf(ctx.store, REGISTRATION_ENTITY, id),
    activate: (id, actor, card) => activateRegistration(ctx, id, actor, card),
    issueCard: (id, actor, card) => issueConsularCard(ctx, id, actor, card),
    reject: (id, actor, reason) => rejectRegistration(ctx, id, actor, reason),
    renew: (id, actor) => renewRegistration(ctx, id, actor),
    deregister: (id, actor, reason) => deregister(ctx, id, actor, reason),
    expireDue: () => expireDueRegistrations(ctx),
    changeConsent: (id, change, actor) => changeConsent(ctx, id, change, actor),
    updateCensus: (id, census, actor) => updateCensus(ctx, id, census, actor),
    updateDetails: (id, patch, actor) => updateDetails(ctx, id, patch, actor),
  };
}

function flaggedByRegistry(store: Store): Registration[] {
  return listRegistryFollowUps(store)
    .filter((entry) => entry.entity === 'registration')
    .flatMap((entry) => {
      const registration = loadRegistration(store, entry.id);
      return registration ? [registration] : [];
    });
}
