import { randomBytes } from 'node:crypto';
import { sodium, utf8 } from '../../../protocol/index.js';

/** Random bytes of a roll-call link's token: 128 bits, never guessed by volume. */
const TOKEN_BYTES = 16;

/** A token as the link carries it: base64url without padding (22 characters for 16 bytes). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** The portal's path of a roll-call link, short enough for an SMS. */
export function rollCallLinkPath(token: string): string {
  return `/r/${token}`;
}

/**
 * `count` new tokens for roll-call SMS links, 16 random bytes each, from one draw of the system's
 * random source: 10,000 draws of 16 bytes cost a roll-call's start a quarter of a second.
 */
export function newRollCallTokens(count: number): string[] {
  const bytes = randomBytes(TOKEN_BYTES * count);
  return Array.from({ length: count }, (_, i) =>
    bytes.subarray(i * TOKEN_BYTES, (i + 1) * TOKEN_BYTES).toString('base64url'),
  );
}

/** Whether a string has the shape of a token (anything else is refused before any look-up). */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/**
 * What the database keeps of a token: a keyed BLAKE2b (the blind-index key, in a domain of its
 * own), so that a copy of the database answers for nobody.
 */
export function rollCallTokenHash(indexKey: Uint8Array, token: string): Uint8Array {
  return sodium.crypto_generichash(32, utf8(`econsulat/roll-call-token\0${token}`), indexKey);
}

/** The full link of a token on the node's public address (`https://consulat.example/r/…`). */
export function rollCallLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${rollCallLinkPath(token)}`;
}
