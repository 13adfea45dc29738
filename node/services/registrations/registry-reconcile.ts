import type { RegistryResult } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import {
  type CivilStatusContext,
  CivilStatusEvent,
  changeCivilStatus,
} from '../civil-status/civil-status-change.js';
import { civilStatusBySubmission } from '../civil-status/civil-status-rows.js';
import { mainParticipant } from '../civil-status/civil-status-submission.js';
import { createPeopleRepository, type PeopleRepository } from '../people/people-repository.js';
import { utcDay } from './partial-date.js';
import { RegistrationEvent } from './registration-census.js';
import { changeRegistration, type RegistrationContext } from './registration-change.js';
import { type RegistryState, selectRegistrations } from './registration-rows.js';

/** What applying a registry result did. */
export type ReconcileOutcome = 'applied' | 'unchanged' | 'unknown_submission';

/** Actor of the changes the national registry's decisions make. */
export const REGISTRY_ACTOR = 'hub:registry';

/**
 * Applies the national registry's decision to the registration or transcription it was about:
 * match and new reconcile it (keeping the national ID given, on the record and on the person),
 * review flags it for follow-up. A decision not newer than the one applied changes nothing, so a
 * replayed result is harmless and a later decision (review resolved) still lands.
 */
export function reconcileRegistryResult(
  store: Store,
  result: RegistryResult,
  now: () => Date,
): ReconcileOutcome {
  // Only the ID number is written to people here, which no phone region affects.
  const people = createPeopleRepository({ store, defaultRegion: 'CF', now });
  const registration = selectRegistrations(store, 'submission_id', result.submissionId)[0];
  if (registration !== undefined) {
    if (!isNewer(registration.registry.decidedAt, result)) return 'unchanged';
    const ctx: RegistrationContext = {
      store,
      people,
      defaultRegion: 'CF',
      now,
      today: utcDay(now),
      validityYears: 5,
    };
    changeRegistration(ctx, {
      id: registration.id,
      actor: REGISTRY_ACTOR,
      kind: RegistrationEvent.Reconciled,
      apply: (before) => ({
        ...before,
        details: withNationalId(before.details, result),
        registry: { ...before.registry, ...decision(result) },
      }),
      alongside: (draft) => storeNationalIdOnPerson(people, draft.personId, result),
    });
    return 'applied';
  }
  const record = civilStatusBySubmission(store, result.submissionId);
  if (record === undefined) return 'unknown_submission';
  if (!isNewer(record.registry.decidedAt, result)) return 'unchanged';
  const ctx: CivilStatusContext = { store, people, now, today: utcDay(now) };
  changeCivilStatus(ctx, {
    id: record.id,
    actor: REGISTRY_ACTOR,
    kind: CivilStatusEvent.Reconciled,
    apply: (before) => ({
      ...before,
      registry: withNationalId({ ...before.registry, ...decision(result) }, result),
    }),
    alongside: (after) => storeNationalIdOnPerson(people, mainParticipant(after).personId, result),
  });
  return 'applied';
}

/** Registrations and transcriptions the registry sent back for review, oldest decision first. */
export function listRegistryFollowUps(
  store: Store,
): Array<{ entity: string; id: string; decidedAt: string }> {
  return store.db
    .prepare(
      `SELECT 'registration' AS entity, id, registry_decided_at AS decidedAt FROM registrations
         WHERE registry_state = 'review'
       UNION ALL
       SELECT 'civil_status', id, registry_decided_at FROM civil_status_records WHERE registry_state = 'review'
       ORDER BY decidedAt`,
    )
    .all() as Array<{ entity: string; id: string; decidedAt: string }>;
}

function decision(result: RegistryResult) {
  const state: RegistryState = result.decision === 'review' ? 'review' : 'reconciled';
  return { state, decision: result.decision, decidedAt: result.decidedAt };
}

function isNewer(appliedAt: string | null, result: RegistryResult): boolean {
  return appliedAt === null || result.decidedAt > appliedAt;
}

function withNationalId<T extends { nationalId?: string }>(target: T, result: RegistryResult): T {
  return result.decision !== 'review' && result.nationalId
    ? { ...target, nationalId: result.nationalId }
    : target;
}

// The person's ID number is set only when they have none: a passport number typed at the counter
// is what agents search by, and the national ID stays on the registration or transcription.
function storeNationalIdOnPerson(
  people: PeopleRepository,
  personId: string | undefined,
  result: RegistryResult,
) {
  if (personId === undefined || result.decision === 'review' || !result.nationalId) return;
  const person = people.get(personId);
  if (person === undefined || person.idNumber !== undefined) return;
  people.update(personId, { idNumber: result.nationalId }, REGISTRY_ACTOR);
}
