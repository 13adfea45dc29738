import { CodedError } from '../../common/errors/coded-error.js';

/** A command used wrongly (options missing or contradicting): the operator's to fix, exit code 1. */
export class UsageError extends CodedError<'usage'> {
  override readonly name = 'UsageError';

  constructor(message: string, options?: { cause?: unknown }) {
    super('usage', message, options);
  }
}
