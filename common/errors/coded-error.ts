/**
 * The one base of every refusal that carries a stable code, on both sides: each area names its
 * codes and their HTTP status in its errors.ts, each side joins those into one catalogue
 * (common/http/wire-error.ts `errorCatalogue`), and the error handler finds a thrown error's
 * status there by its `code`. A log line greps to one definition.
 */
export class CodedError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
