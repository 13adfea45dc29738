import { readFile, stat } from 'node:fs/promises';
import { type Identity, importKeyFile, ready } from '../../protocol/index.js';
import { type KeyOpening, loadDataKey } from '../crypto/key-file.js';
import { type NodeConfig, nodePaths } from './config.js';
import { momoSecretSourcesFromEnv, smsSecretSourcesFromEnv, stripeSecretSourcesFromEnv } from './env.js';
import { loadMomoSecrets, type MomoSecrets } from './momo-secrets.js';
import { askPassphrase } from './passphrase.js';
import { loadSmsSecrets, type SmsSecrets } from './sms-secrets.js';
import { loadStripeSecrets, type StripeSecrets } from './stripe-secrets.js';

/** The node's secrets, read from files outside the database. Never logged. */
export interface NodeSecrets {
  readonly identity: Identity;
  readonly dataKey: Uint8Array;
  /** Present when node.json enables Stripe (`stripe`). */
  readonly stripe?: StripeSecrets;
  /** Present when node.json enables MTN MoMo (`momo`). */
  readonly momo?: MomoSecrets;
  /** The SMS adapter's secret, when node.json's `sms` names one that has any (sms-secrets.ts). */
  readonly sms?: SmsSecrets;
}

/**
 * Reads the identity and data key files that `econsulat node init` created. A data key wrapped by a
 * passphrase asks for it (terminal, file or systemd's agent: see passphrase.ts) unless the caller
 * says how.
 */
export async function loadNodeSecrets(
  config: Pick<NodeConfig, 'dataDir'> & Partial<Pick<NodeConfig, 'missionId' | 'stripe' | 'momo' | 'sms'>>,
  opening: KeyOpening = promptingOpening(config.missionId),
): Promise<NodeSecrets> {
  await ready();
  const paths = nodePaths(config);
  const info = await stat(paths.identityKey);
  const identity = importKeyFile(await readFile(paths.identityKey, 'utf8'), info.mode, paths.identityKey);
  const dataKey = await loadDataKey(paths.dataKey, opening);
  return {
    identity,
    dataKey,
    ...(config.stripe === undefined ? {} : { stripe: await loadStripeSecrets(stripeSecretSourcesFromEnv()) }),
    ...(config.momo === undefined ? {} : { momo: await loadMomoSecrets(momoSecretSourcesFromEnv()) }),
    ...(config.sms === undefined ? {} : { sms: await loadSmsSecrets(config.sms, smsSecretSourcesFromEnv()) }),
  };
}

/** The words the agent at the keyboard sees when the node starts. */
export function passphrasePrompt(missionId: string | undefined): string {
  return `Phrase de passe de la clé de données${missionId ? ` (${missionId})` : ''}`;
}

/** Asks the data key's passphrase, if it has one, from the usual sources (passphrase.ts). */
export function promptingOpening(missionId?: string): KeyOpening {
  return { askPassphrase: () => askPassphrase(passphrasePrompt(missionId)) };
}
