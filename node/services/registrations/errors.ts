import type { z } from 'zod';
import { DomainError, parseOrRefuse } from '../domain-error.js';

/** Why a registration operation refused; stable codes the HTTP layer maps to a status. */
export const RegistrationErrorCode = {
  /** The input does not validate (400); `issues` says where. */
  InvalidInput: 'invalid_input',
  /** No registration with this id (404). */
  NotFound: 'registration_not_found',
  /** The person named by id is unknown (404). */
  PersonNotFound: 'person_not_found',
  /** Consent to the processing of the registration was not given (422). */
  ConsentRequired: 'consent_required',
  /** The person already holds a registration that is not closed (409). */
  AlreadyRegistered: 'already_registered',
  /** The workflow does not allow this move from the current state (409). */
  TransitionNotAllowed: 'transition_not_allowed',
} as const;

/** One of the codes of {@link RegistrationErrorCode}. */
export type RegistrationErrorCodeValue = (typeof RegistrationErrorCode)[keyof typeof RegistrationErrorCode];

/** A refusal of the registrations service. */
export class RegistrationError extends DomainError<RegistrationErrorCodeValue> {
  override readonly name = 'RegistrationError';
}

/** HTTP status of each refusal, beside its code (as files and payments do). */
export const REGISTRATION_ERROR_STATUS: Readonly<Record<RegistrationErrorCodeValue, number>> = {
  [RegistrationErrorCode.InvalidInput]: 400,
  [RegistrationErrorCode.NotFound]: 404,
  [RegistrationErrorCode.PersonNotFound]: 404,
  [RegistrationErrorCode.ConsentRequired]: 422,
  [RegistrationErrorCode.AlreadyRegistered]: 409,
  [RegistrationErrorCode.TransitionNotAllowed]: 409,
};

/** Parses with a schema, turning a ZodError into the domain's invalid_input refusal. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  return parseOrRefuse(
    schema,
    input,
    (issues, cause) =>
      new RegistrationError(RegistrationErrorCode.InvalidInput, 'the registration input is invalid', {
        cause,
        issues,
      }),
  );
}
