import { z } from 'zod';
import { concatBytes, fromBase64Url, randomBytes, toBase64Url, toHex, utf8 } from './encoding.js';
import { partyIdSchema } from './parties.js';
import { sodium } from './sodium.js';

const KEY_ID_CONTEXT = utf8('econsulat/v1/key-id');

/** Length in bytes of a key id on the wire. */
export const KEY_ID_BYTES = 16;

/** What anyone may know of a party: its id, its key id and its two public keys. */
export interface PublicIdentity {
  readonly partyId: string;
  /** 32 hex characters: BLAKE2b-128 of a context string and both public keys. */
  readonly keyId: string;
  /** Ed25519 public key (32 bytes). */
  readonly signPublicKey: Uint8Array;
  /** X25519 public key (32 bytes). */
  readonly boxPublicKey: Uint8Array;
}

/**
 * A party's secret identity. The secret halves never appear in JSON or in `util.inspect`
 * output, so an identity that reaches a logger by mistake leaks nothing.
 */
export class Identity implements PublicIdentity {
  readonly keyId: string;

  private constructor(
    readonly partyId: string,
    readonly signPublicKey: Uint8Array,
    readonly boxPublicKey: Uint8Array,
    /** Ed25519 secret key (64 bytes: seed and public key). */
    readonly signSecretKey: Uint8Array,
    /** X25519 secret key (32 bytes). */
    readonly boxSecretKey: Uint8Array,
    private readonly seeds: { sign: Uint8Array; box: Uint8Array },
  ) {
    this.keyId = deriveKeyId(signPublicKey, boxPublicKey);
  }

  /** Rebuilds an identity from its two 32-byte seeds (deterministic: used by key files and test vectors). */
  static fromSeeds(partyId: string, signSeed: Uint8Array, boxSeed: Uint8Array): Identity {
    partyIdSchema.parse(partyId);
    if (signSeed.length !== 32 || boxSeed.length !== 32) throw new TypeError('seeds are 32 bytes');
    const sign = sodium.crypto_sign_seed_keypair(signSeed);
    const box = sodium.crypto_box_seed_keypair(boxSeed);
    return new Identity(partyId, sign.publicKey, box.publicKey, sign.privateKey, box.privateKey, {
      sign: Uint8Array.from(signSeed),
      box: Uint8Array.from(boxSeed),
    });
  }

  /** A fresh identity from the operating system's randomness. */
  static generate(partyId: string): Identity {
    return Identity.fromSeeds(partyId, randomBytes(32), randomBytes(32));
  }

  /** The public half, safe to share, log and put in certificates. */
  toPublic(): PublicIdentity {
    return {
      partyId: this.partyId,
      keyId: this.keyId,
      signPublicKey: this.signPublicKey,
      boxPublicKey: this.boxPublicKey,
    };
  }

  /** The secret serialisation for a key file. Only a key-file writer should call this. */
  exportSecret(): string {
    const file: IdentityFile = {
      format: IDENTITY_FORMAT,
      partyId: this.partyId,
      keyId: this.keyId,
      signSeed: toBase64Url(this.seeds.sign),
      boxSeed: toBase64Url(this.seeds.box),
    };
    return `${JSON.stringify(file, null, 2)}\n`;
  }

  /** Parses a key file's text; throws TypeError on anything but a well-formed, self-consistent file. */
  static importSecret(text: string): Identity {
    const parsed = identityFileSchema.safeParse(safeJson(text));
    if (!parsed.success) throw new TypeError('not an econsulat identity file');
    const file = parsed.data;
    const identity = Identity.fromSeeds(
      file.partyId,
      fromBase64Url(file.signSeed, 32),
      fromBase64Url(file.boxSeed, 32),
    );
    if (identity.keyId !== file.keyId) throw new TypeError('identity file key id does not match its keys');
    return identity;
  }

  toJSON(): unknown {
    return { partyId: this.partyId, keyId: this.keyId, secret: '[redacted]' };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Identity(${this.partyId}, ${this.keyId}, secret redacted)`;
  }
}

const IDENTITY_FORMAT = 'econsulat-identity/v1';

const identityFileSchema = z.strictObject({
  format: z.literal(IDENTITY_FORMAT),
  partyId: partyIdSchema,
  keyId: z.string().regex(/^[0-9a-f]{32}$/),
  signSeed: z.string(),
  boxSeed: z.string(),
});
type IdentityFile = z.infer<typeof identityFileSchema>;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The key id of a pair of public keys: hex of BLAKE2b-128(context ‖ Ed25519 pk ‖ X25519 pk). */
export function deriveKeyId(signPublicKey: Uint8Array, boxPublicKey: Uint8Array): string {
  return toHex(
    sodium.crypto_generichash(KEY_ID_BYTES, concatBytes(KEY_ID_CONTEXT, signPublicKey, boxPublicKey), null),
  );
}

/** The JSON form of a public identity (keys in base64url), as carried in certificates and requests. */
export const publicIdentityJsonSchema = z.strictObject({
  partyId: partyIdSchema,
  keyId: z.string().regex(/^[0-9a-f]{32}$/),
  signPublicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  boxPublicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});
/** A public identity as JSON. */
export type PublicIdentityJson = z.infer<typeof publicIdentityJsonSchema>;

/** Public identity → JSON form. */
export function publicIdentityToJson(identity: PublicIdentity): PublicIdentityJson {
  return {
    partyId: identity.partyId,
    keyId: identity.keyId,
    signPublicKey: toBase64Url(identity.signPublicKey),
    boxPublicKey: toBase64Url(identity.boxPublicKey),
  };
}

/** JSON form → public identity; throws TypeError when the key id does not match the keys. */
export function publicIdentityFromJson(json: PublicIdentityJson): PublicIdentity {
  const signPublicKey = fromBase64Url(json.signPublicKey, 32);
  const boxPublicKey = fromBase64Url(json.boxPublicKey, 32);
  if (deriveKeyId(signPublicKey, boxPublicKey) !== json.keyId)
    throw new TypeError('key id does not match the keys');
  return { partyId: json.partyId, keyId: json.keyId, signPublicKey, boxPublicKey };
}

/**
 * Parses a key file's text after checking the file's permission bits: a key file that the group
 * or others may read is refused (its secret may already be copied). No I/O: callers pass what
 * they read.
 */
export function importKeyFile(text: string, mode: number, path: string): Identity {
  if ((mode & 0o077) !== 0) {
    throw new Error(
      `${path} is readable by others (mode ${(mode & 0o777).toString(8)}): run chmod 600 on it`,
    );
  }
  return Identity.importSecret(text);
}
