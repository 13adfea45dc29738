/** A command used wrongly (options missing or contradicting): the operator's to fix, exit code 1. */
export class UsageError extends Error {
  readonly code = 'usage';
}
