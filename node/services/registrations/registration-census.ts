import { RegistrationEvents } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { appendEvent, newEvent } from '../outbox/outbox.js';
import type { Registration } from './registration-rows.js';

/** Entity name of registrations in the audit log, the outbox and the workflow history. */
export const REGISTRATION_ENTITY = 'registration';

/** Event kinds of registrations, as the hub's dashboards read them. */
export const RegistrationEvent = RegistrationEvents;
export type RegistrationEventKind = (typeof RegistrationEvent)[keyof typeof RegistrationEvent];

/**
 * The census aggregate the hub's diaspora dashboards need: categories and flags only. Never a
 * name, a date of birth, a place, a profession or a skill typed in free text.
 */
export function censusAggregate(registration: Registration): Record<string, unknown> {
  const { census, consents } = registration;
  return {
    state: registration.state,
    channel: registration.channel,
    ...(census.sector ? { sector: census.sector } : {}),
    languages: census.languages,
    ...(census.educationLevel ? { educationLevel: census.educationLevel } : {}),
    contributions: census.contributions,
    consents: { census: consents.census.granted, contact: consents.contact.granted },
    registryState: registration.registry.state,
  };
}

/**
 * Tells the hub about a registration, only when the national consented to the census use of their
 * answers; without that consent the hub learns nothing of them. Call inside the change's transaction.
 */
export function emitCensusEvent(
  store: Store,
  registration: Registration,
  kind: RegistrationEventKind,
  at: string,
): boolean {
  if (!registration.consents.census.granted) return false;
  const data = censusAggregate(registration);
  appendEvent(store, newEvent({ kind, entity: REGISTRATION_ENTITY, entityId: registration.id, at, data }));
  return true;
}

/**
 * After the census consent is withdrawn the hub must drop what it holds of this registration: one
 * last event, carrying no census data, says so; nothing follows it unless consent is given again.
 */
export function emitCensusWithdrawn(store: Store, registrationId: string, at: string): void {
  appendEvent(
    store,
    newEvent({
      kind: RegistrationEvent.CensusWithdrawn,
      entity: REGISTRATION_ENTITY,
      entityId: registrationId,
      at,
      data: { consents: { census: false } },
    }),
  );
}
