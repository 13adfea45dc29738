// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect metadata API
// before it loads: the polyfill is imported first, and only here, so the node's server process
// (which never makes certificates) never carries it.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

export { x509 };

/** ECDSA over P-256 with SHA-256: what every browser and Node's TLS accept, and small. */
export const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
