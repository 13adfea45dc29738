import {
  Identity,
  type OffsiteManifest,
  offsiteManifestSchema,
  recoveryKeyId,
  verifyOffsiteManifest,
} from '../../../protocol/index.js';
import { OffsiteError, OffsiteErrorCode } from './errors.js';
import { type GenerationKeys, openGenerationKeys } from './key-envelope.js';

/** What a restore checks a manifest against. */
export interface GenerationTrust {
  readonly manifest: unknown;
  readonly expectedMissionId: string;
  readonly recoveryPublicKey: Uint8Array;
  readonly recoverySecretKey: Uint8Array;
  /** The mission's signing key as the hub's registry knows it, when the restorer has it. */
  readonly missionSignPublicKey?: Uint8Array;
}

/** A manifest found to be the mission's, with the keys it carries. */
export interface TrustedGeneration {
  readonly manifest: OffsiteManifest;
  readonly keys: GenerationKeys;
  readonly identity: Identity;
}

/**
 * Checks, before a single chunk is fetched, that the manifest is the expected mission's and that
 * the recovery key opens it: the recovery key named, the envelope opening to this mission and
 * generation, the identity inside it being the mission's and having signed the manifest (and, when
 * given, the registry's key of the mission too).
 */
export function verifyGeneration(trust: GenerationTrust): TrustedGeneration {
  const parsed = offsiteManifestSchema.safeParse(trust.manifest);
  if (!parsed.success) {
    throw new OffsiteError(
      OffsiteErrorCode.ManifestMalformed,
      `not an off-site manifest: ${parsed.error.message}`,
    );
  }
  const manifest = parsed.data;
  if (manifest.missionId !== trust.expectedMissionId) {
    throw wrongMission(`the manifest is ${manifest.missionId}’s, not ${trust.expectedMissionId}’s`);
  }
  if (recoveryKeyId(trust.recoveryPublicKey) !== manifest.recoveryKeyId) {
    throw new OffsiteError(
      OffsiteErrorCode.RecoveryKeyMismatch,
      `generation ${manifest.generation} was sealed to recovery key ${manifest.recoveryKeyId}, ` +
        `not to ${recoveryKeyId(trust.recoveryPublicKey)}: ask the custodian for that key`,
    );
  }
  const keys = openGenerationKeys(manifest.keyEnvelope, {
    publicKey: trust.recoveryPublicKey,
    secretKey: trust.recoverySecretKey,
  });
  if (keys.missionId !== manifest.missionId || keys.generation !== manifest.generation) {
    throw wrongMission(`the manifest carries the keys of ${keys.missionId} generation ${keys.generation}`);
  }
  const identity = importIdentity(keys.identityKeyFile);
  if (identity.partyId !== manifest.missionId) {
    throw wrongMission(`the manifest carries ${identity.partyId}’s identity`);
  }
  const signers = [
    identity.signPublicKey,
    ...(trust.missionSignPublicKey ? [trust.missionSignPublicKey] : []),
  ];
  if (!signers.every((key) => verifyOffsiteManifest(manifest, key))) {
    throw new OffsiteError(
      OffsiteErrorCode.BadSignature,
      `the manifest of generation ${manifest.generation} is not signed by ${manifest.missionId}’s key`,
    );
  }
  return { manifest, keys, identity };
}

function importIdentity(text: string): Identity {
  try {
    return Identity.importSecret(text);
  } catch (cause) {
    throw new OffsiteError(OffsiteErrorCode.EnvelopeUnreadable, 'the envelope holds no identity key', {
      cause,
    });
  }
}

function wrongMission(detail: string): OffsiteError {
  return new OffsiteError(OffsiteErrorCode.WrongMission, `${detail}: nothing was changed`);
}
