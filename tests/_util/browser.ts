import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
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

/** Whether NSS's certutil is installed (`apt-get install libnss3-tools`): it teaches Chromium a CA. */
export const hasCertutil = (() => {
  try {
    execFileSync('certutil', ['-H'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // certutil -H prints its help and exits 1: only a missing binary is ENOENT.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
})();

/**
 * `describe` for browser suites: skipped (with a message) on a machine without Chromium (or
 * certutil, for suites that teach it a CA), but run in CI (`CI=true`) whatever happens, so that a
 * missing tool fails there instead of skipping.
 */
export function describeWithChromium(
  name: string,
  suite: () => void,
  options: { needsCertutil?: boolean } = {},
): void {
  const missing = [
    ...(hasChromium ? [] : [`Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`]),
    ...(options.needsCertutil && !hasCertutil ? ['certutil (apt-get install libnss3-tools)'] : []),
  ];
  if (missing.length === 0 || process.env.CI === 'true') {
    describe(name, suite);
    return;
  }
  console.warn(`\n[skipped] ${name}: install ${missing.join(' and ')}.\n`);
  describe.skip(name, suite);
}

/** A running headless Chromium with a fresh profile; close() removes the profile. */
export interface LaunchedChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** What a launched Chromium trusts besides what it ships with. */
export interface ChromiumOptions {
  /** A CA certificate (PEM file) trusted for TLS, as on a counter taught the mission's authority. */
  readonly trustedCaFile?: string;
}

/**
 * Launches Debian's Chromium headless with a user-data directory of its own. With a CA, Chromium
 * gets a home of its own too: on Linux it reads trusted roots from `$HOME/.pki/nssdb`, where
 * certutil adds the CA as a counter's IT referent would; the certificate is then checked for real
 * (chain, names, validity, key use), not waved through.
 */
export async function launchChromium(options: ChromiumOptions = {}): Promise<LaunchedChromium> {
  const profile = await mkdtemp(join(tmpdir(), 'econsulat-chromium-'));
  let home: string | undefined;
  const cleanup = async () => {
    await rm(profile, { recursive: true, force: true });
    if (home) await rm(home, { recursive: true, force: true });
  };
  try {
    if (options.trustedCaFile) home = await homeTrusting(options.trustedCaFile);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      ...(home ? { env: { ...process.env, HOME: home } } : {}),
    });
    return {
      context,
      async close() {
        await context.close();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function homeTrusting(caFile: string): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'econsulat-chromium-home-'));
  const nssdb = join(home, '.pki', 'nssdb');
  const certutil = (...args: string[]) =>
    execFileSync('certutil', ['-d', `sql:${nssdb}`, ...args], { stdio: 'ignore' });
  try {
    await mkdir(nssdb, { recursive: true });
    certutil('-N', '--empty-password');
    // C,,: a CA trusted to issue TLS server certificates (and nothing for mail or code signing).
    certutil('-A', '-t', 'C,,', '-n', 'mission-ca', '-i', caFile);
    return home;
  } catch (error) {
    await rm(home, { recursive: true, force: true });
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
