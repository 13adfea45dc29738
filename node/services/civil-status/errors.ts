import type { z } from 'zod';
import { DomainError, parseOrRefuse } from '../domain-error.js';

/** Why a civil-status operation refused; stable codes the HTTP layer maps to a status. */
export const CivilStatusErrorCode = {
  /** The input does not validate, e.g. an impossible or future date (400); `issues` says where. */
  InvalidInput: 'invalid_input',
  /** The persons' roles do not fit the kind of event, e.g. a birth without a child (400). */
  InvalidRoles: 'invalid_roles',
  /** No record with this id (404). */
  NotFound: 'civil_status_not_found',
  /** A person named by id is unknown (404). */
  PersonNotFound: 'person_not_found',
  /** The workflow does not allow this move from the current state (409). */
  TransitionNotAllowed: 'transition_not_allowed',
} as const;

/** One of the codes of {@link CivilStatusErrorCode}. */
export type CivilStatusErrorCodeValue = (typeof CivilStatusErrorCode)[keyof typeof CivilStatusErrorCode];

/** HTTP status of each code, for the node's error catalogue (http/error-catalogue.ts). */
export const CIVIL_STATUS_ERROR_STATUS: Readonly<Record<CivilStatusErrorCodeValue, number>> = {
  invalid_input: 400,
  invalid_roles: 400,
  civil_status_not_found: 404,
  person_not_found: 404,
  transition_not_allowed: 409,
};

/** A refusal of the civil-status service. */
export class CivilStatusError extends DomainError<CivilStatusErrorCodeValue> {
  override readonly name = 'CivilStatusError';
}

/** Parses with a schema, turning a ZodError into the domain's invalid_input refusal. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  return parseOrRefuse(
    schema,
    input,
    (issues, cause) =>
      new CivilStatusError(CivilStatusErrorCode.InvalidInput, 'the civil-status input is invalid', {
        cause,
        issues,
      }),
  );
}
