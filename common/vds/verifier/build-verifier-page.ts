import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { verifierPageHtml } from './page-shell.js';

// Builds the offline verifier page: esbuild bundles an entry of this folder — which imports only
// the verifying side of common/vds (decode, verify, trust store), never its index — into one
// minified script, inlined in page-shell.ts's HTML. This file runs on Node (the hub, the build);
// the page's own files run in the browser.

/** `hex`: the seal typed or pasted as hex (≤ 300 KB); `reader`: also a photo of its DataMatrix (≤ 2 MB). */
export type VerifierPageVariant = 'hex' | 'reader';

/** The variants, each with the name of the file `npm run build` leaves beside this module. */
export const VERIFIER_PAGE_FILES: Readonly<Record<VerifierPageVariant, string>> = {
  hex: 'verifier-hex.html',
  reader: 'verifier.html',
};

const here = dirname(fileURLToPath(import.meta.url));
// Under tsx the sources are .ts; in dist/ (npm run build) they are compiled .js beside this file.
const sourceExtension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

// Browsers of 2020–2021 onwards: the phones a border post is likely to have. WebCrypto's ECDSA
// P-256 and WebAssembly are older than these.
const BROWSER_TARGETS = ['chrome87', 'firefox78', 'safari15', 'edge88'];

/** Builds a variant of the page; the same sources give the same bytes. */
export async function buildVerifierPage(variant: VerifierPageVariant): Promise<string> {
  const result = await build({
    entryPoints: [join(here, `entry-${variant}${sourceExtension}`)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: BROWSER_TARGETS,
    minify: true,
    charset: 'utf8',
    legalComments: 'eof',
    // The decoder's WebAssembly, inlined as base64 text (image-reader.ts turns it back into bytes).
    loader: { '.wasm': 'base64' },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no script for the ${variant} verifier page`);
  return verifierPageHtml(output.text);
}

const cache = new Map<VerifierPageVariant, Promise<string>>();

/**
 * The page, once per process: the file `npm run build` wrote beside this module when there is one
 * (production runs dist/), else built now. A failed build is not kept, so the next call tries again.
 */
export function verifierPage(variant: VerifierPageVariant): Promise<string> {
  let page = cache.get(variant);
  if (!page) {
    page = readFile(join(here, VERIFIER_PAGE_FILES[variant]), 'utf8').catch(() => buildVerifierPage(variant));
    page.catch(() => cache.delete(variant));
    cache.set(variant, page);
  }
  return page;
}
