import { readFile } from 'node:fs/promises';
import { writeFileDurably } from '../../common/fs/durable-files.js';
import { randomToken } from '../keys/random-token.js';

/**
 * A config file of the demo (hub.json, node.json) with a token in each of `sections` (`ussd`,
 * `metrics`). A demo set up before these tokens existed gets them now, written back so that the
 * URLs of demo.json stay the same from one run to the next.
 */
export async function readConfigWithTokens(
  file: string,
  sections: readonly string[],
): Promise<Record<string, unknown>> {
  const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const missing = sections.filter((section) => typeof tokenOf(config[section]) !== 'string');
  if (missing.length === 0) return config;
  for (const section of missing) {
    config[section] = { ...(config[section] as object | undefined), token: randomToken() };
  }
  await writeFileDurably(file, `${JSON.stringify(config, null, 2)}\n`);
  return config;
}

function tokenOf(section: unknown): unknown {
  return typeof section === 'object' && section !== null ? (section as { token?: unknown }).token : undefined;
}
