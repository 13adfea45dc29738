/** The wire contract between mission nodes and the hub. Everything node/ and hub/ share is here. */

export * from './audit-chain.js';
export * from './broker-password.js';
export * from './broker-token.js';
export * from './certificates.js';
export * from './channel.js';
export * from './encoding.js';
export * from './envelope.js';
export * from './errors.js';
export * from './fingerprint.js';
export * from './header.js';
export * from './key-rotation.js';
export * from './keys.js';
export * from './messages/index.js';
export * from './offsite.js';
export * from './parties.js';
export * from './signed-document.js';
export * from './sodium.js';
export * from './topics.js';
export * from './trust.js';
