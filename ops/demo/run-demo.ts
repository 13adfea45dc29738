import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { hubConfigSchema } from '../../hub/config/config.js';
import { loadHubIdentity } from '../../hub/config/secrets.js';
import { createHub, type MinistryHub } from '../../hub/index.js';
import { nodeConfigSchema } from '../../node/config/config.js';
import { loadNodeSecrets } from '../../node/config/secrets.js';
import { createNode, type MissionNode } from '../../node/index.js';
import { ussdCallbackUrl } from '../commands/ussd-callback-url.js';
import { DEMO_MISSIONS, demoLayout } from './demo-plan.js';
import { withDemoRecoveryKey } from './demo-recovery-key.js';
import { readConfigWithTokens } from './demo-tokens.js';
import { clearInterruptedSetup } from './interrupted-setup.js';
import type { DemoVisa } from './seed-visas.js';
import { type DemoSecrets, missionConfigFile, setUpDemo } from './setup-demo.js';
import { readSetupRecord, writeSetupRecord } from './setup-record.js';
import { smsCallbackUrl } from './sms-callback-url.js';

/** A running demo: the hub, the two missions, and what to tell the visitor. */
export interface RunningDemo {
  readonly summary: DemoSummary;
  close(): Promise<void>;
}

/**
 * The content of demo.json: URLs, accounts and tokens (generated secrets, never committed). Each
 * mission's `ussdCallback` is its USSD callback URL with the gateway's token, as a gateway calls it,
 * and `smsCallback` the same for the SMS its number receives (a roll-call's answers, the gateway's
 * `from`, `to`, `text`, `date`, `id`);
 * `metricsToken` is the bearer token of `/metrics`; `recoveryKey` is the file of the ministry's
 * recovery secret, which `econsulat node restore --from-hub --recovery-key` takes to rebuild a
 * mission from the off-site backup each one sends the hub once started.
 */
export interface DemoSummary {
  readonly hub: {
    readonly url: string;
    readonly metricsToken: string | undefined;
    readonly accounts: DemoSecrets['hub']['accounts'];
  };
  readonly missions: Array<{
    readonly id: string;
    readonly name: string;
    readonly url: string;
    readonly ussdCallback: string | undefined;
    readonly smsCallback: string | undefined;
    readonly metricsToken: string | undefined;
    readonly smsOutbox: string;
    readonly accounts: DemoSecrets['missions'][string]['accounts'];
    /** The specimen visa and laissez-passer issued at setup: seal in hex, path of the PDF. */
    readonly visas: DemoVisa[];
  }>;
  readonly broker: string;
  readonly recoveryKey: string;
}

/** Starts the demo in `dir`, setting it up first when the directory is new. */
export async function runDemo(dirOption: string, portBase: number): Promise<RunningDemo> {
  const dir = resolve(dirOption);
  const layout = demoLayout(dir, portBase);
  const secrets =
    (await readSetupRecord(layout.setupFile)) ??
    (await secretsOfDemoFile(layout.demoFile)) ??
    (await setUpFresh(dir, portBase));
  const hubFile = join(layout.hubDir, 'hub.json');
  const hubConfig = hubConfigSchema.parse({
    ...(await withDemoRecoveryKey(
      hubFile,
      await readConfigWithTokens(hubFile, ['metrics']),
      layout.recoveryKeyFile,
    )),
    http: { host: '127.0.0.1', port: layout.hubHttpPort },
    mqtt: { mode: 'embedded', host: '127.0.0.1', port: layout.brokerPort },
    logLevel: 'warn',
  });
  const hub = await createHub(hubConfig, await loadHubIdentity(hubConfig));
  const started: Array<MinistryHub | MissionNode> = [hub];
  try {
    const hubUrl = await hub.start();
    const missions: DemoSummary['missions'] = [];
    for (const [index, mission] of DEMO_MISSIONS.entries()) {
      const config = nodeConfigSchema.parse({
        ...(await readConfigWithTokens(missionConfigFile(dir, mission.id), ['ussd', 'metrics'])),
        http: { host: '127.0.0.1', port: layout.missionPort(index) },
        mqtt: { url: `mqtt://127.0.0.1:${layout.brokerPort}` },
        simulatedPayments: true,
        profile: mission.profile,
        logLevel: 'warn',
      });
      const node = await createNode(config, await loadNodeSecrets(config));
      started.push(node);
      const url = await node.start();
      missions.push({
        id: mission.id,
        name: mission.name,
        url,
        ussdCallback: config.ussd.token === undefined ? undefined : ussdCallbackUrl(url, config.ussd.token),
        smsCallback: config.ussd.token === undefined ? undefined : smsCallbackUrl(url, config.ussd.token),
        metricsToken: config.metrics.token,
        smsOutbox: join(config.dataDir, 'sms-outbox.jsonl'),
        accounts: secrets.missions[mission.id]?.accounts ?? [],
        visas: secrets.missions[mission.id]?.visas ?? [],
      });
    }
    const summary: DemoSummary = {
      hub: { url: hubUrl, metricsToken: hubConfig.metrics.token, accounts: secrets.hub.accounts },
      missions,
      broker: `mqtt://127.0.0.1:${layout.brokerPort}`,
      recoveryKey: layout.recoveryKeyFile,
    };
    await writeFile(layout.demoFile, `${JSON.stringify({ ...summary, secrets }, null, 2)}\n`, {
      mode: 0o600,
    });
    return { summary, close: () => closeAll(started) };
  } catch (error) {
    await closeAll(started);
    throw error;
  }
}

/** A demo directory set up before the setup record existed: demo.json marked it finished. */
async function secretsOfDemoFile(file: string): Promise<DemoSecrets | undefined> {
  if (!existsSync(file)) return undefined;
  return (JSON.parse(await readFile(file, 'utf8')) as { secrets: DemoSecrets }).secrets;
}

/**
 * Sets a new demo up, after clearing what an interrupted one left; the record of the finished
 * setup is written last. A failed setup leaves no half-made directory behind for the next run.
 */
async function setUpFresh(dir: string, portBase: number): Promise<DemoSecrets> {
  const existed = existsSync(dir);
  const layout = demoLayout(dir, portBase);
  try {
    if (await clearInterruptedSetup(layout)) {
      process.stderr.write(
        `A setup of the demo in ${dir} was interrupted: it starts again from the beginning.\n`,
      );
    }
    const secrets = await setUpDemo(dir, portBase);
    await writeSetupRecord(layout.setupFile, secrets);
    return secrets;
  } catch (error) {
    if (!existed) await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function closeAll(started: Array<{ close(): Promise<void> }>): Promise<void> {
  // Missions first: they say goodbye (retained offline) through the hub's broker.
  for (const part of [...started].reverse()) await part.close().catch(() => undefined);
}
