import type { Command } from 'commander';
import type { NodeConfig } from '../../node/config/config.js';
import {
  momoSecretSourcesFromEnv,
  smsSecretSourcesFromEnv,
  stripeSecretSourcesFromEnv,
} from '../../node/config/env.js';
import { loadMomoSecrets, type MomoSecrets } from '../../node/config/momo-secrets.js';
import { loadSmsSecrets, type SmsSecrets } from '../../node/config/sms-secrets.js';
import { loadStripeSecrets, type StripeSecrets } from '../../node/config/stripe-secrets.js';
import { smppGateway } from '../../node/notify/smpp-gateway.js';
import { reportErrors } from './report-errors.js';

/** One provider's verdict, in French for the consulate's technician. */
export interface ProviderCheck {
  readonly provider: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** The secrets a check uses; a secret that could not be read is its reason, in `missing`. */
export interface ProviderSecrets {
  readonly sms?: SmsSecrets;
  readonly stripe?: StripeSecrets;
  readonly momo?: MomoSecrets;
  readonly missing?: Partial<Record<'sms' | 'stripe' | 'momo', string>>;
}

const TIMEOUT_MS = 10_000;

/** Checks each configured provider's credentials and reachability, one call each, nothing sent. */
export async function checkProviders(config: NodeConfig, secrets: ProviderSecrets): Promise<ProviderCheck[]> {
  const checks: ProviderCheck[] = [await checkSms(config, secrets)];
  if (config.stripe)
    checks.push(await guarded('Stripe', secrets.missing?.stripe, () => checkStripe(config, secrets)));
  if (config.momo)
    checks.push(await guarded('MTN MoMo', secrets.missing?.momo, () => checkMomo(config, secrets)));
  return checks;
}

async function guarded(provider: string, missing: string | undefined, check: () => Promise<string>) {
  if (missing !== undefined)
    return { provider, ok: false, detail: `secret manquant ou illisible : ${missing}` };
  try {
    return { provider, ok: true, detail: await check() };
  } catch (error) {
    return { provider, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

function checkSms(config: NodeConfig, secrets: ProviderSecrets): Promise<ProviderCheck> {
  const sms = config.sms;
  const missing = secrets.missing?.sms;
  switch (sms.gateway) {
    case 'smpp':
      return guarded('SMS (SMPP)', missing, async () => {
        const gateway = smppGateway({
          host: sms.host,
          port: sms.port,
          systemId: sms.systemId,
          password: secrets.sms?.smppPassword ?? '',
          sourceAddr: sms.sourceAddr,
          messagesPerSecond: sms.messagesPerSecond,
          minReconnectMs: 60_000,
          onReceipt: () => undefined,
          onInbound: async () => undefined,
        });
        try {
          await gateway.whenBound(TIMEOUT_MS).catch((error: unknown) => {
            const reason = error instanceof Error ? error.message : '';
            throw new Error(
              /bind refused/.test(reason)
                ? `connexion refusée par le SMSC ${sms.host}:${sms.port} : identifiant ou mot de passe refusé (${reason})`
                : `SMSC ${sms.host}:${sms.port} injoignable ou muet`,
            );
          });
          return `connecté au SMSC ${sms.host}:${sms.port} en transceiver (system_id ${sms.systemId})`;
        } finally {
          await gateway.close();
        }
      });
    case 'africastalking':
      return guarded('SMS (Africa’s Talking)', missing, async () => {
        const url = new URL('/version1/user', sms.apiUrl);
        url.searchParams.set('username', sms.username);
        const response = await call(url, {
          headers: { apiKey: secrets.sms?.atApiKey ?? '', accept: 'application/json' },
        });
        if (response.status === 401)
          throw new Error('clé d’API ou nom d’utilisateur refusé par Africa’s Talking');
        if (!response.ok) throw new Error(`Africa’s Talking a répondu ${response.status}`);
        const body = (await response.json().catch(() => ({}))) as { UserData?: { balance?: string } };
        return `compte ${sms.username} reconnu, solde ${body.UserData?.balance ?? 'inconnu'}`;
      });
    case 'android':
      return guarded('SMS (téléphone Android)', missing, async () => {
        const auth = Buffer.from(`${sms.username}:${secrets.sms?.androidPassword ?? ''}`).toString('base64');
        const response = await call(new URL('health', sms.url.endsWith('/') ? sms.url : `${sms.url}/`), {
          headers: { authorization: `Basic ${auth}` },
        });
        if (response.status === 401 || response.status === 403)
          throw new Error('identifiant ou mot de passe refusé par le téléphone');
        const body = (await response.json().catch(() => ({}))) as { status?: string };
        if (!response.ok || body.status === 'fail')
          throw new Error(`le téléphone se dit en mauvais état (${response.status})`);
        return `téléphone joignable à ${sms.url}, état ${body.status ?? 'inconnu'}`;
      });
    case 'http':
      return Promise.resolve({
        provider: 'SMS (passerelle HTTP)',
        ok: true,
        detail: 'non vérifiée : aucun appel sans envoi',
      });
    default:
      return Promise.resolve({
        provider: 'SMS (fichier)',
        ok: true,
        detail: 'SMS écrits dans un fichier (démonstration)',
      });
  }
}

async function checkStripe(config: NodeConfig, secrets: ProviderSecrets): Promise<string> {
  const url = new URL('/v1/balance', config.stripe?.apiUrl ?? 'https://api.stripe.com');
  const response = await call(url, {
    headers: { authorization: `Bearer ${secrets.stripe?.secretKey ?? ''}` },
  });
  if (response.status === 401) throw new Error('clé secrète refusée par Stripe');
  if (!response.ok) throw new Error(`Stripe a répondu ${response.status}`);
  return 'clé secrète acceptée (solde lu)';
}

async function checkMomo(config: NodeConfig, secrets: ProviderSecrets): Promise<string> {
  const momo = config.momo;
  const keys = secrets.momo;
  if (!momo || !keys) throw new Error('MoMo non configuré');
  const auth = Buffer.from(`${keys.apiUser}:${keys.apiKey}`).toString('base64');
  const response = await call(new URL('/collection/token/', momo.apiUrl), {
    method: 'POST',
    headers: { authorization: `Basic ${auth}`, 'ocp-apim-subscription-key': keys.subscriptionKey },
  });
  if (response.status === 401)
    throw new Error('utilisateur d’API, clé d’API ou clé d’abonnement refusé par MTN');
  if (!response.ok) throw new Error(`MTN a répondu ${response.status}`);
  return `jeton Collection obtenu (${momo.targetEnvironment})`;
}

async function call(url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    throw new Error(`${url.host} injoignable ou trop lent`);
  }
}

/** Reads the configured providers' secrets; one that cannot be read is reported, not thrown. */
export async function readProviderSecrets(config: NodeConfig): Promise<ProviderSecrets> {
  const missing: Partial<Record<'sms' | 'stripe' | 'momo', string>> = {};
  const attempt = async <T>(name: 'sms' | 'stripe' | 'momo', read: () => Promise<T>) =>
    read().catch((error: unknown) => {
      missing[name] = error instanceof Error ? error.message : String(error);
      return undefined;
    });
  const sms = await attempt('sms', () => loadSmsSecrets(config.sms, smsSecretSourcesFromEnv()));
  const stripe = config.stripe
    ? await attempt('stripe', () => loadStripeSecrets(stripeSecretSourcesFromEnv()))
    : undefined;
  const momo = config.momo
    ? await attempt('momo', () => loadMomoSecrets(momoSecretSourcesFromEnv()))
    : undefined;
  return { ...(sms ? { sms } : {}), ...(stripe ? { stripe } : {}), ...(momo ? { momo } : {}), missing };
}

/** The lines printed, one per provider. */
export function checkLines(checks: readonly ProviderCheck[]): string[] {
  return checks.map((check) => `${check.ok ? 'OK    ' : 'ÉCHEC '} ${check.provider} : ${check.detail}`);
}

/** `econsulat node check-providers --config <file>`. */
export function registerNodeCheckProvidersCommand(
  nodeCommand: Command,
  readConfig: (path: string) => Promise<NodeConfig>,
): void {
  nodeCommand
    .command('check-providers')
    .description(
      'test each configured provider’s credentials and reachability (SMS, Stripe, MoMo), sending nothing',
    )
    .requiredOption('--config <file>', 'the node’s config file')
    .action((options: { config: string }) =>
      reportErrors(async () => {
        const config = await readConfig(options.config);
        const checks = await checkProviders(config, await readProviderSecrets(config));
        for (const line of checkLines(checks)) console.log(line);
        if (checks.some((check) => !check.ok)) process.exitCode = 1;
      }),
    );
}
