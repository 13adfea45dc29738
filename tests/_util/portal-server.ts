import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeConfigSchema } from '../../node/config/config.js';
import { createNode, type MissionNode } from '../../node/index.js';
import { seedCalendars } from '../../node/services/appointments/calendar-seed.js';
import { seedCatalogue } from '../../node/services/catalogue/seed.js';
import { Identity, ready, sodium } from '../../protocol/index.js';
import { makeTempDir } from './node-store.js';

/** A whole mission node serving its portal on 127.0.0.1, its SMS written to a file. */
export interface PortalServer {
  readonly node: MissionNode;
  /** The base URL, without a trailing slash. */
  readonly url: string;
  /** The development gateway's file: one JSON line (`to`, `text`, `at`) per SMS handed over. */
  readonly smsFile: string;
  close(): Promise<void>;
}

/**
 * Starts a Paris mission node as `econsulat node start` does (createNode, then start(): HTTP,
 * SMS dispatcher, jobs), over a seeded catalogue and calendar in a temporary directory, on the real
 * clock and with the production rate limits.
 */
export async function startPortalServer(): Promise<PortalServer> {
  await ready();
  const temp = await makeTempDir('econsulat-portal-');
  const smsFile = join(temp.dir, 'sms', 'outbox.jsonl');
  const config = nodeConfigSchema.parse({
    missionId: 'fr-paris',
    missionName: 'Ambassade de Centrafrique à Paris',
    dataDir: temp.dir,
    http: { host: '127.0.0.1', port: 0 },
    timeZone: 'Europe/Paris',
    region: 'FR',
    hostCurrency: 'EUR',
    sms: { gateway: 'file', file: smsFile },
    simulatedPayments: true,
    logLevel: 'silent',
  });
  const secrets = { identity: Identity.generate(config.missionId), dataKey: sodium.randombytes_buf(32) };
  let node: MissionNode | undefined;
  try {
    node = await createNode(config, secrets);
    seedCatalogue(node.context.store, { hostCurrency: config.hostCurrency });
    seedCalendars(node.context.store);
    const url = (await node.start()).replace(/\/$/, '');
    const started = node;
    return {
      node: started,
      url,
      smsFile,
      async close() {
        await started.close();
        await temp.cleanup();
      },
    };
  } catch (error) {
    await node?.close();
    await temp.cleanup();
    throw error;
  }
}

/** One line of the development gateway's file. */
export interface FileSms {
  readonly to: string;
  readonly text: string;
  readonly at: string;
}

/** The SMS written to the gateway's file so far (none while the file does not exist). */
export async function readSmsFile(path: string): Promise<FileSms[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return content
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FileSms);
}

/**
 * Waits for the confirmation code of a booking to reach the gateway's file, as the applicant's
 * phone would receive it. The dispatcher passes every 2 s; the timeout leaves room for a busy machine.
 */
export async function waitForBookingCode(
  path: string,
  reference: string,
  timeoutMs = 30_000,
): Promise<{ code: string; sms: FileSms }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sms = (await readSmsFile(path)).filter((line) => line.text.includes(reference)).at(-1);
    const code = sms && /\bcode (\d{6})\b/i.exec(sms.text)?.[1];
    if (sms && code) return { code, sms };
    if (Date.now() > deadline) throw new Error(`no code for ${reference} in ${path} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
