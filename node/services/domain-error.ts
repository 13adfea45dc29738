import { z } from 'zod';
import { CodedError } from '../../common/errors/coded-error.js';

/**
 * A refusal of a domain service: a stable `code` the HTTP layer maps to a status, and for invalid
 * input the `issues` as z.treeifyError gives them. Each service subclasses it with its own codes.
 */
export class DomainError<Code extends string> extends CodedError<Code> {
  /** Where the input was wrong (invalid input only). */
  readonly issues: unknown;
  constructor(code: Code, message: string, options?: { cause?: unknown; issues?: unknown }) {
    super(code, message, options);
    this.issues = options?.issues;
  }
}

/** Parses with a schema; a ZodError becomes the refusal `refuse` builds from its issues. */
export function parseOrRefuse<S extends z.ZodType>(
  schema: S,
  input: unknown,
  refuse: (issues: unknown, cause: z.ZodError) => Error,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw refuse(z.treeifyError(result.error), result.error);
}
