import type { z } from 'zod';
import { CodedError } from '../errors/coded-error.js';

/** Why the seal codec refused its input. */
export const VdsErrorCode = {
  /** What a caller asked to encode or build is not valid (a zod issue list says where). */
  InvalidInput: 'vds_invalid_input',
  /** Bytes given to decode are not a seal this codec reads; `reason` says which rule they break. */
  Malformed: 'vds_malformed',
} as const;

/** One of the codes of {@link VdsErrorCode}. */
export type VdsErrorCodeValue = (typeof VdsErrorCode)[keyof typeof VdsErrorCode];

/** Which rule of Doc 9303 part 13 (or of this codec's profiles) a decoded seal breaks. */
export type MalformedReason =
  | 'truncated'
  | 'bad_magic'
  | 'unsupported_version'
  | 'bad_c40'
  | 'bad_signer_reference'
  | 'bad_date'
  | 'bad_length'
  | 'missing_signature'
  | 'trailing_bytes'
  | 'duplicate_feature'
  | 'missing_feature'
  | 'bad_feature'
  | 'unsupported_document_type';

/** A refusal of the seal codec, with a stable code. */
export class VdsError extends CodedError<VdsErrorCodeValue> {
  override readonly name: string = 'VdsError';
}

/** Bad input to an encoder or an MRZ builder; `issues` are zod's, for a form to show. */
export class VdsInputError extends VdsError {
  override readonly name = 'VdsInputError';

  constructor(
    message: string,
    readonly issues: z.core.$ZodIssue[] = [],
  ) {
    super(VdsErrorCode.InvalidInput, message);
  }
}

/** Bytes that are not a well-formed seal; `reason` is one of {@link MalformedReason}. */
export class VdsMalformedError extends VdsError {
  override readonly name = 'VdsMalformedError';

  constructor(
    readonly reason: MalformedReason,
    detail: string,
  ) {
    super(VdsErrorCode.Malformed, `malformed seal (${reason}): ${detail}`);
  }
}

/** A zod schema, classic or mini: what {@link parseInput} needs of it. */
interface SafeParser<T> {
  safeParse(
    input: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: z.core.$ZodIssue[] } };
}

/** Parses `input` with `schema`, turning a zod failure into a {@link VdsInputError}. */
export function parseInput<T>(schema: SafeParser<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const where = first?.path.length ? `${first.path.join('.')}: ` : '';
  throw new VdsInputError(`invalid ${what}: ${where}${first?.message ?? 'rejected'}`, parsed.error.issues);
}
