import type { CivilStatusRecord, CivilStatusState } from '../../services/civil-status/civil-status-record.js';
import {
  type Registration,
  type RegistrationState,
  selectRegistrations,
} from '../../services/registrations/registration-record.js';
import type { StaffHttpDeps } from './staff-deps.js';

/** A registration with the national's name, as the agents' list shows it. */
export interface ListedRegistration extends Registration {
  readonly person: { readonly givenNames: string; readonly familyName: string };
}

/** Registrations in one state, oldest first, with the national's name. */
export function registrationsInState(deps: StaffHttpDeps, state: RegistrationState): ListedRegistration[] {
  return selectRegistrations(deps.store, 'state', state).map((registration) =>
    withPerson(deps, registration),
  );
}

/** A registration with the national's name. */
export function withPerson(deps: StaffHttpDeps, registration: Registration): ListedRegistration {
  const person = deps.domain.people.get(registration.personId);
  return {
    ...registration,
    person: { givenNames: person?.givenNames ?? '', familyName: person?.familyName ?? '' },
  };
}

/**
 * Transcription requests in one state, oldest first. The service has no listing of its own yet;
 * the ids are read here (a clear column) and each record loaded through the service.
 */
export function civilStatusInState(
  deps: StaffHttpDeps,
  state: CivilStatusState,
  limit = 200,
): CivilStatusRecord[] {
  const rows = deps.store.db
    .prepare('SELECT id FROM civil_status_records WHERE state = ? ORDER BY submitted_at, id LIMIT ?')
    .all(state, limit) as { id: string }[];
  return rows.flatMap((row) => {
    const record = deps.domain.civilStatus.get(row.id);
    return record ? [record] : [];
  });
}
