import { z } from 'zod';

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
export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
  /** Where the input was wrong, as z.treeifyError gives it (invalid_input only). */
  readonly issues: unknown;
  constructor(
    readonly code: RegistrationErrorCodeValue,
    message: string,
    options?: { cause?: unknown; issues?: unknown },
  ) {
    super(message, options);
    this.issues = options?.issues;
  }
}

/** Parses with a schema, turning a ZodError into the domain's invalid_input refusal. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new RegistrationError(RegistrationErrorCode.InvalidInput, 'the registration input is invalid', {
    cause: result.error,
    issues: z.treeifyError(result.error),
  });
}
