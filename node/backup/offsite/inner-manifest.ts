import { z } from 'zod';
import { fromUtf8, missionIdSchema, utf8 } from '../../../protocol/index.js';
import { OffsiteError, OffsiteErrorCode } from './errors.js';

/** How big the pieces of each kind of file are, before sealing. */
export const PIECE_BYTES = {
  // Small pieces for the database: a night's changes touch a few pages here and there, and each
  // touched piece travels whole. 16 KiB keeps that small while the manifest stays short.
  database: 16 * 1024,
  // Scans never change: big pieces, fewer addresses.
  scan: 1024 * 1024,
  manifest: 1024 * 1024,
} as const;

// Addresses as in the wire's messages: one base64url string of their concatenation, in file order.
const joinedSchema = z.string().regex(/^[A-Za-z0-9_-]*$/);

const fileSchema = z.strictObject({ bytes: z.int().min(0), chunks: joinedSchema });

/**
 * What a generation holds, file by file: which chunks, in which order, rebuild each one. Sealed and
 * cut like the files themselves, so that the hub learns no file names or sizes from it.
 */
export const innerManifestSchema = z.strictObject({
  version: z.literal(1),
  missionId: missionIdSchema,
  generation: z.int().min(1),
  createdAt: z.string(),
  database: fileSchema,
  scans: z.array(fileSchema.extend({ name: z.string().regex(/^[0-9a-f-]{36}\.scan$/) })),
});
export type InnerManifest = z.infer<typeof innerManifestSchema>;

/** The manifest's bytes, before sealing. */
export function encodeInnerManifest(manifest: InnerManifest): Uint8Array {
  return utf8(JSON.stringify(manifest));
}

/** Reads the opened manifest; throws `offsite_manifest_malformed` when it is not one. */
export function decodeInnerManifest(bytes: Uint8Array): InnerManifest {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch (cause) {
    throw malformed('the generation’s manifest is not JSON', cause);
  }
  const parsed = innerManifestSchema.safeParse(value);
  if (!parsed.success) throw malformed(`the generation’s manifest does not read: ${parsed.error.message}`);
  return parsed.data;
}

function malformed(message: string, cause?: unknown): OffsiteError {
  return new OffsiteError(OffsiteErrorCode.ManifestMalformed, message, { cause });
}
