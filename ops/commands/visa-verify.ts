import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { certificateFingerprint, normaliseFingerprint } from '../../common/vds/key-files.js';
import { loadTrustStore, type TrustStore } from '../../common/vds/trust-store.js';
import { verifySeal } from '../../common/vds/verify.js';
import { x509 } from '../../common/vds/x509.js';
import { NoBarcodeError, readSealInput } from './visa-verify-input.js';
import { describeSeal, REFUSAL_MESSAGES, VERIFY_EXIT_CODES } from './visa-verify-report.js';

interface VerifyOptions {
  bundle: string;
  at?: string;
  cscaFingerprint?: string;
}

/**
 * `econsulat visa verify <image-or-payload> --bundle <file>`: checks a visa's or laissez-passer's
 * visible digital seal with no network, against a trust bundle the hub published
 * (GET /api/v1/trust/bundle). Exit 0 only when valid; the other codes are VERIFY_EXIT_CODES.
 */
export function registerVisaCommands(program: Command): void {
  const visa = program.command('visa').description('visas and laissez-passers: check their seals offline');
  visa
    .command('verify')
    .description(
      'check a seal offline: a PNG/JPEG of its DataMatrix, or its payload in hex (argument or file)',
    )
    .argument('<image-or-payload>', 'an image file, a file of hex, or the hex itself')
    .requiredOption('--bundle <file>', 'the trust bundle (JSON) from the hub')
    .option(
      '--csca-fingerprint <hex>',
      'refuse a bundle whose CSCA is not this one (the ministry’s fingerprint)',
    )
    .option('--at <instant>', 'check as of this instant (ISO 8601) instead of now')
    .addHelpText(
      'after',
      `\nExit codes: ${Object.entries(VERIFY_EXIT_CODES)
        .map(([what, code]) => `${code} ${what}`)
        .join(', ')}.`,
    )
    .action(async (input: string, options: VerifyOptions) => {
      process.exitCode = await verifyCommand(input, options);
    });
}

/** Runs the check and prints its answer; returns the exit code. */
export async function verifyCommand(input: string, options: VerifyOptions): Promise<number> {
  const now = options.at ? new Date(options.at) : new Date();
  if (Number.isNaN(now.getTime())) return usage('--at is an ISO 8601 instant, e.g. 2026-12-01T10:00:00Z');
  let trust: TrustStore;
  try {
    trust = await loadBundle(options);
  } catch (error) {
    return refusal('bad_bundle', (error as Error).message);
  }
  let bytes: Uint8Array;
  try {
    ({ bytes } = await readSealInput(input));
  } catch (error) {
    if (error instanceof NoBarcodeError) return refusal('no_barcode', error.message);
    if ((error as { code?: unknown }).code === 'usage') return usage((error as Error).message);
    throw error;
  }
  const result = await verifySeal(bytes, trust, { now });
  if (!result.valid) return refusal(result.reason, result.detail);
  process.stdout.write(`${describeSeal(result.seal).join('\n')}\n  trust bundle of     ${trust.issuedAt}\n`);
  return VERIFY_EXIT_CODES.valid;
}

async function loadBundle(options: VerifyOptions): Promise<TrustStore> {
  const bundle: unknown = JSON.parse(await readFile(options.bundle, 'utf8'));
  const trust = await loadTrustStore(bundle);
  if (options.cscaFingerprint !== undefined) {
    const pinned = normaliseFingerprint(options.cscaFingerprint);
    if (!pinned) throw new Error('--csca-fingerprint is 64 hexadecimal digits');
    const pems = (bundle as { cscaCertificates: string[] }).cscaCertificates;
    const fingerprints = await Promise.all(
      pems.map(async (pem) =>
        normaliseFingerprint(await certificateFingerprint(new x509.X509Certificate(pem))),
      ),
    );
    if (!fingerprints.includes(pinned))
      throw new Error('the bundle’s CSCA is not the one pinned by --csca-fingerprint');
  }
  return trust;
}

function refusal(reason: keyof typeof REFUSAL_MESSAGES, detail: string): number {
  const message = REFUSAL_MESSAGES[reason];
  process.stdout.write(`${message.fr}\n${message.en}\n  (${reason}: ${detail})\n`);
  return VERIFY_EXIT_CODES[reason];
}

function usage(message: string): number {
  process.stderr.write(`error (usage): ${message}\n`);
  return VERIFY_EXIT_CODES.usage;
}
