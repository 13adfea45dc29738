import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium (`apt-get install chromium`); playwright's own download cannot work here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

// As root Chromium needs --no-sandbox; on this closed network its background calls only fail.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether the browser is installed. */
export const hasChromium = existsSync(CHROMIUM_PATH);

/**
 * `describe` for browser suites: skipped (with a message) on a machine without Chromium, but run
 * in CI (`CI=true`) whatever happens, so that a missing browser fails there instead of skipping.
 */
export function describeWithChromium(name: string, suite: () => void): void {
  if (hasChromium || process.env.CI === 'true') {
    describe(name, suite);
    return;
  }
  console.warn(`\n[skipped] ${name}: install Chromium at ${CHROMIUM_PATH} (apt-get install chromium).\n`);
  describe.skip(name, suite);
}

/** A running headless Chromium with a fresh profile; close() removes the profile. */
export interface LaunchedChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Debian's Chromium headless with a user-data directory of its own. */
export async function launchChromium(): Promise<LaunchedChromium> {
  const profile = await mkdtemp(join(tmpdir(), 'econsulat-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    return {
      context,
      async close() {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Launches Debian's Chromium headless as a browser that opens contexts of its own (playwright's
 * temporary profile), for suites that need several kinds of visitor: a locale, JavaScript off.
 * `close()` on the result ends the browser and its contexts.
 */
export async function launchChromiumBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
