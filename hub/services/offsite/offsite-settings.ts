import { fromBase64Url, recoveryKeyId } from '../../../protocol/index.js';

/** How many generations the retention keeps: the newest of each of the last N days, weeks, months. */
export interface KeepRule {
  readonly daily: number;
  readonly weekly: number;
  readonly monthly: number;
}

/** The hub's off-site backup settings once a recovery key is configured. */
export interface OffsiteSettings {
  /** The public half of the ministry's recovery key (X25519), sent to every mission. */
  readonly recoveryPublicKey: Uint8Array;
  /** Its id, which every manifest must name. */
  readonly recoveryKeyId: string;
  readonly maxBytesPerSecond: number;
  readonly keep: KeepRule;
  readonly maxGenerationBytes: number;
  readonly maxGenerationChunks: number;
}

/** The `offsite` section of the hub's configuration (hub/config/config.ts). */
export interface OffsiteConfig {
  readonly recoveryPublicKey?: string | undefined;
  readonly maxBytesPerSecond: number;
  readonly keep: KeepRule;
  readonly maxGenerationBytes: number;
  readonly maxGenerationChunks: number;
}

/** The settings in force, or undefined when no recovery key is configured: off-site backup is off. */
export function offsiteSettingsOf(config: OffsiteConfig): OffsiteSettings | undefined {
  if (!config.recoveryPublicKey) return undefined;
  const recoveryPublicKey = fromBase64Url(config.recoveryPublicKey, 32);
  return {
    recoveryPublicKey,
    recoveryKeyId: recoveryKeyId(recoveryPublicKey),
    maxBytesPerSecond: config.maxBytesPerSecond,
    keep: config.keep,
    maxGenerationBytes: config.maxGenerationBytes,
    maxGenerationChunks: config.maxGenerationChunks,
  };
}
