import type { Registration, RegistrationState } from '../../services/registrations/registration-rows.js';
import type { StaffHttpDeps } from './staff-deps.js';

/** A registration with the national's name, as the agents' list shows it. */
export interface ListedRegistration extends Registration {
  readonly person: { readonly givenNames: string; readonly familyName: string };
}

/** Registrations in one state, oldest first, with the national's name. */
export function registrationsInState(deps: StaffHttpDeps, state: RegistrationState): ListedRegistration[] {
  return deps.domain.registrations.listInState(state).map((registration) => withPerson(deps, registration));
}

/** A registration with the national's name. */
export function withPerson(deps: StaffHttpDeps, registration: Registration): ListedRegistration {
  const person = deps.domain.people.get(registration.personId);
  return {
    ...registration,
    person: { givenNames: person?.givenNames ?? '', familyName: person?.familyName ?? '' },
  };
}
