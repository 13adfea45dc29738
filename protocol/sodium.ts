import sodiumModule from 'libsodium-wrappers-sumo';

/**
 * The one libsodium instance of the process. The sumo build is used everywhere so that the
 * envelope and the argon2id password hashing of node and hub share a single WebAssembly module.
 */
export const sodium = sodiumModule;

let readiness: Promise<void> | undefined;

/** Resolves once libsodium's WebAssembly module is loaded; call before any other protocol function. */
export function ready(): Promise<void> {
  readiness ??= sodium.ready;
  return readiness;
}
