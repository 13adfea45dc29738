// Runs argon2id (libsodium crypto_pwhash_str) off the main thread: one hash at the interactive
// limits takes ~200 ms, which would otherwise stall every request of the node or the hub.
// Plain JavaScript so that the worker starts under node, tsx and vitest alike, with no loader.
import { parentPort, workerData } from 'node:worker_threads';
import sodium from 'libsodium-wrappers-sumo';

const readiness = sodium.ready;

function limits() {
  return {
    opsLimit: workerData?.opsLimit ?? sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
    memLimit: workerData?.memLimit ?? sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
  };
}

function run(task) {
  const { opsLimit, memLimit } = limits();
  if (task.op === 'hash') return sodium.crypto_pwhash_str(task.password, opsLimit, memLimit);
  if (task.op === 'verify') {
    // A malformed stored hash makes libsodium throw: treat it as a mismatch, never as a match.
    let valid = false;
    try {
      valid = sodium.crypto_pwhash_str_verify(task.hash, task.password);
    } catch {
      valid = false;
    }
    const needsRehash = valid && sodium.crypto_pwhash_str_needs_rehash(task.hash, opsLimit, memLimit);
    return { valid, needsRehash };
  }
  throw new TypeError(`unknown password task ${String(task.op)}`);
}

parentPort.on('message', async (task) => {
  await readiness;
  try {
    parentPort.postMessage({ id: task.id, result: run(task) });
  } catch (error) {
    parentPort.postMessage({ id: task.id, error: error instanceof Error ? error.message : String(error) });
  }
});
