import type { z } from 'zod';
import { DomainError, parseOrRefuse } from '../domain-error.js';

/** Why a roll-call operation refused; stable codes the HTTP layer maps to a status. */
export const RollCallErrorCode = {
  /** The input does not validate (400); `issues` says where. */
  InvalidInput: 'invalid_input',
  /** No roll-call with this id (404). */
  NotFound: 'roll_call_not_found',
  /** The person was not among those the roll-call reached (404). */
  TargetNotFound: 'roll_call_target_not_found',
  /** The roll-call is closed: it takes no more changes (409). */
  Closed: 'roll_call_closed',
  /** The ministry did not ask this roll-call's list of the people who need help (409). */
  NeedHelpNotRequested: 'roll_call_need_help_not_requested',
} as const;

/** One of the codes of {@link RollCallErrorCode}. */
export type RollCallErrorCodeValue = (typeof RollCallErrorCode)[keyof typeof RollCallErrorCode];

/** A refusal of the roll-call service. */
export class RollCallError extends DomainError<RollCallErrorCodeValue> {
  override readonly name = 'RollCallError';
}

/** HTTP status of each refusal. */
export const ROLL_CALL_ERROR_STATUS: Readonly<Record<RollCallErrorCodeValue, number>> = {
  [RollCallErrorCode.InvalidInput]: 400,
  [RollCallErrorCode.NotFound]: 404,
  [RollCallErrorCode.TargetNotFound]: 404,
  [RollCallErrorCode.Closed]: 409,
  [RollCallErrorCode.NeedHelpNotRequested]: 409,
};

/** Parses with a schema, turning a ZodError into the invalid_input refusal. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  return parseOrRefuse(
    schema,
    input,
    (issues, cause) =>
      new RollCallError(RollCallErrorCode.InvalidInput, 'the roll-call input is invalid', { cause, issues }),
  );
}
