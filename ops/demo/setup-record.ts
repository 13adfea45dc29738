import { readFile } from 'node:fs/promises';
import { writeFileDurably } from '../../common/fs/durable-files.js';
import type { DemoSecrets } from './setup-demo.js';

/**
 * The record a finished setup writes last, with the accounts it generated. Its absence beside the
 * demo's folders means the setup was interrupted (Ctrl-C, a kill, a power cut) and must start
 * again: nothing a half-made directory holds is trusted.
 */
export async function writeSetupRecord(file: string, secrets: DemoSecrets): Promise<void> {
  await writeFileDurably(
    file,
    `${JSON.stringify({ format: 'econsulat-demo-setup/v1', secrets }, null, 2)}\n`,
  );
}

/** The accounts of a finished setup, or undefined when there is none. */
export async function readSetupRecord(file: string): Promise<DemoSecrets | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  return (JSON.parse(text) as { secrets: DemoSecrets }).secrets;
}
