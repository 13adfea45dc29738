import { z } from 'zod';
import { missionIdSchema } from '../parties.js';
import { instantSchema } from './field-schemas.js';

// Addresses travel as one base64url string of their 32-byte concatenation: a generation of a large
// mission names tens of thousands of chunks, and a JSON array of strings would double its size.
const addressListSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]*$/)
  .max(6_000_000);
const base64UrlSchema = z.string().regex(/^[A-Za-z0-9_-]+$/);

/**
 * offsite.policy — what the ministry asks of each mission's off-site backups: the public half of
 * the ministry's recovery key, to which each generation's keys are sealed (its secret half is kept
 * offline by the ministry's key custodian, never on the hub), and the bandwidth the transfer may
 * take on the mission's link.
 */
export const OFFSITE_POLICY = 'offsite.policy';
export const offsitePolicySchema = z.strictObject({
  /** X25519 public key (crypto_box), base64url of 32 bytes. */
  recoveryKey: base64UrlSchema.length(43),
  /** The recovery key's fingerprint (protocol/offsite.ts recoveryKeyId), named in each manifest. */
  recoveryKeyId: z.string().regex(/^[a-z0-9]{16}$/),
  /** Upper bound on the transfer's rate; live messages always go first. */
  maxBytesPerSecond: z.int().min(1024).max(1_000_000_000),
  issuedAt: instantSchema,
});
export type OffsitePolicy = z.infer<typeof offsitePolicySchema>;

/**
 * offsite.manifest — one generation of a mission's off-site backup: every chunk it needs (the
 * database snapshot's, the scanned documents', and its own encrypted manifest's), and its keys
 * sealed to the ministry's recovery key. Signed by the mission (context `OFFSITE_MANIFEST_CONTEXT`)
 * so that whoever restores it, away from the link, can tell it is that mission's. Sent again,
 * unchanged, to resume a transfer: the hub answers with what it still lacks.
 */
export const OFFSITE_MANIFEST = 'offsite.manifest';
export const offsiteManifestSchema = z.strictObject({
  missionId: missionIdSchema,
  /** Strictly increasing per mission; a generation not above the last stored one is refused. */
  generation: z.int().min(1),
  createdAt: instantSchema,
  recoveryKeyId: z.string().regex(/^[a-z0-9]{16}$/),
  /** crypto_box_seal of the generation's keys to the recovery key, base64url. */
  keyEnvelope: base64UrlSchema.max(16_384),
  /** The chunks of the encrypted manifest (what the generation holds, by file), in order. */
  manifestChunks: addressListSchema.min(43),
  /** Every distinct chunk of the generation, manifest's included, in any order. */
  chunks: addressListSchema.min(43),
  /** The sum of the chunks' sizes in bytes. */
  bytes: z.int().min(0),
  signature: base64UrlSchema.length(86),
});
export type OffsiteManifest = z.infer<typeof offsiteManifestSchema>;

/** Why the hub will not keep a generation. */
export const OFFSITE_REFUSALS = [
  /** Not above the last generation the hub stored for the mission (a replayed or restored manifest). */
  'stale_generation',
  /** The generation's keys are sealed to a recovery key the ministry does not use (any more). */
  'recovery_key_unknown',
  /** The mission's signature does not verify, or names another mission. */
  'bad_signature',
  /** More chunks or bytes than the hub accepts for one generation. */
  'too_large',
] as const;

/**
 * offsite.status — the hub's answer to a manifest: the chunks it still lacks (`missing`, after
 * which the node sends them), the generation stored whole and checked (`stored`), or `refused`.
 */
export const OFFSITE_STATUS = 'offsite.status';
export const offsiteStatusSchema = z.discriminatedUnion('state', [
  z.strictObject({
    state: z.literal('missing'),
    generation: z.int().min(1),
    missing: addressListSchema.min(43),
  }),
  z.strictObject({
    state: z.literal('stored'),
    generation: z.int().min(1),
    completedAt: instantSchema,
    bytes: z.int().min(0),
  }),
  z.strictObject({
    state: z.literal('refused'),
    generation: z.int().min(1),
    reason: z.enum(OFFSITE_REFUSALS),
  }),
]);
export type OffsiteStatus = z.infer<typeof offsiteStatusSchema>;
