// WebCrypto's types under the names a browser knows them by; only the types come from node:crypto,
// so nothing of Node is loaded at run time and the code runs in a browser as it is.
import type { webcrypto } from 'node:crypto';

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** The platform's WebCrypto (Node 20's global, a browser's `window.crypto`). */
export const subtle: webcrypto.SubtleCrypto = globalThis.crypto.subtle as webcrypto.SubtleCrypto;
