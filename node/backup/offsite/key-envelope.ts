import { z } from 'zod';
import { fromBase64Url, fromUtf8, sodium, toBase64Url, utf8 } from '../../../protocol/index.js';
import { DATA_KEY_BYTES } from '../../crypto/key-file.js';
import { OffsiteError, OffsiteErrorCode } from './errors.js';
import { SITE_FILES, type SiteFile } from './site-files.js';

/** What the ministry's recovery key opens: everything needed to rebuild the mission elsewhere. */
export interface GenerationKeys {
  readonly missionId: string;
  readonly generation: number;
  readonly dataKey: Uint8Array;
  /** The text of keys/identity.key, as written by `node init`. */
  readonly identityKeyFile: string;
  /**
   * The node's config (node.json) when packed: after a fire there is no copy of it on site, and
   * it holds the gateway and metrics tokens, which only the recovery key should open.
   */
  readonly nodeConfig?: string;
  /** The HTTPS authority and certificate (site-files.ts), by path relative to the data directory. */
  readonly siteFiles?: Partial<Record<SiteFile, string>>;
}

const envelopeSchema = z.strictObject({
  missionId: z.string(),
  generation: z.int().min(1),
  dataKey: z.string(),
  identityKeyFile: z.string().max(4096),
  nodeConfig: z.string().max(6144).optional(),
  siteFiles: z.partialRecord(z.enum(SITE_FILES), z.string().max(4096)).optional(),
});

/**
 * Seals a generation's keys to the recovery key (crypto_box_seal: anonymous sender, only the secret
 * half opens it). The mission and generation ride inside, so that an envelope moved to another
 * manifest is caught when opened.
 */
export function sealGenerationKeys(keys: GenerationKeys, recoveryPublicKey: Uint8Array): string {
  const text = JSON.stringify({
    missionId: keys.missionId,
    generation: keys.generation,
    dataKey: toBase64Url(keys.dataKey),
    identityKeyFile: keys.identityKeyFile,
    ...(keys.nodeConfig === undefined ? {} : { nodeConfig: keys.nodeConfig }),
    ...(keys.siteFiles === undefined ? {} : { siteFiles: keys.siteFiles }),
  });
  return toBase64Url(sodium.crypto_box_seal(utf8(text), recoveryPublicKey));
}

/** Opens an envelope; throws `offsite_envelope_unreadable` when the key pair does not open it. */
export function openGenerationKeys(
  envelope: string,
  recovery: { readonly publicKey: Uint8Array; readonly secretKey: Uint8Array },
): GenerationKeys {
  let parsed: z.infer<typeof envelopeSchema>;
  try {
    const plain = sodium.crypto_box_seal_open(
      fromBase64Url(envelope),
      recovery.publicKey,
      recovery.secretKey,
    );
    parsed = envelopeSchema.parse(JSON.parse(fromUtf8(plain)));
  } catch (cause) {
    throw new OffsiteError(
      OffsiteErrorCode.EnvelopeUnreadable,
      'the generation’s keys do not open with this recovery key: check the key file the custodian gave',
      { cause },
    );
  }
  const dataKey = fromBase64Url(parsed.dataKey);
  if (dataKey.length !== DATA_KEY_BYTES) {
    throw new OffsiteError(
      OffsiteErrorCode.EnvelopeUnreadable,
      'the generation’s envelope holds no data key',
    );
  }
  return { ...parsed, dataKey };
}
