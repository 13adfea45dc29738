import { CodedError } from '../../../common/errors/coded-error.js';

/**
 * Why an off-site backup or a restore from the hub refused. Stable codes: the IT referent's and
 * the key custodian's runbook names them.
 */
export const OffsiteErrorCode = {
  /** The hub has sent no offsite.policy yet: no recovery key to seal a generation's keys to. */
  NoPolicy: 'offsite_no_policy',
  /** A chunk does not authenticate under this mission's keys: altered, or another mission's. */
  ChunkUnreadable: 'offsite_chunk_unreadable',
  /** A chunk's bytes do not hash to the address that named it (a flipped byte on the way or at rest). */
  AddressMismatch: 'offsite_address_mismatch',
  /** A chunk the generation needs could not be fetched. */
  ChunkMissing: 'offsite_chunk_missing',
  /** The key envelope does not open with the recovery key given, or is not a generation's envelope. */
  EnvelopeUnreadable: 'offsite_envelope_unreadable',
  /** The manifest names another recovery key than the one given. */
  RecoveryKeyMismatch: 'offsite_recovery_key_mismatch',
  /** The manifest is another mission's, or is not signed by the identity in its envelope. */
  WrongMission: 'offsite_wrong_mission',
  /** The manifest's signature does not verify. */
  BadSignature: 'offsite_bad_signature',
  /** The generation is older than one already restored into the directory. */
  OlderGeneration: 'offsite_older_generation',
  /** The encrypted inner manifest does not read as one, or disagrees with the signed manifest. */
  ManifestMalformed: 'offsite_manifest_malformed',
  /** A key file already in the target directory is not the generation's. */
  KeyFileDiffers: 'offsite_key_file_differs',
  /** The source of a chunk changed or went away before it was sent (a scan purged, a snapshot removed). */
  SourceGone: 'offsite_source_gone',
} as const;

/** One of the codes of {@link OffsiteErrorCode}. */
export type OffsiteErrorCodeValue = (typeof OffsiteErrorCode)[keyof typeof OffsiteErrorCode];

/** A refusal of the off-site backup layer, with a stable code. */
export class OffsiteError extends CodedError<OffsiteErrorCodeValue> {
  override readonly name = 'OffsiteError';
}
