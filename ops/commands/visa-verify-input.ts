import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { UsageError } from './usage-error.js';

// What `visa verify` is given: a seal's payload in hex (on the command line or in a file), or a
// photo or scan of its DataMatrix (PNG or JPEG), decoded offline by zxing-wasm.

/** Where the seal came from, for the report. */
export type SealSource = 'hex' | 'image';

/** The image had no DataMatrix zxing could read. */
export class NoBarcodeError extends Error {
  override readonly name = 'NoBarcodeError';
}

const PNG = [0x89, 0x50, 0x4e, 0x47];
const JPEG = [0xff, 0xd8, 0xff];

/** Reads the seal's bytes from a file or from the argument itself. */
export async function readSealInput(input: string): Promise<{ bytes: Uint8Array; source: SealSource }> {
  if (await isFile(input)) {
    const content = new Uint8Array(await readFile(input));
    if (startsWith(content, PNG) || startsWith(content, JPEG))
      return { bytes: await decodeDataMatrix(content), source: 'image' };
    const text = new TextDecoder().decode(content);
    return { bytes: parseHex(text, input), source: 'hex' };
  }
  return { bytes: parseHex(input, 'the argument'), source: 'hex' };
}

/** Hex digits, spaces and line breaks allowed; anything else is the operator's to fix. */
export function parseHex(text: string, what: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(compact))
    throw new UsageError(`${what} is neither an image file (PNG, JPEG) nor a seal in hexadecimal`);
  return Uint8Array.from(Buffer.from(compact, 'hex'));
}

let prepared: Promise<void> | undefined;

/**
 * zxing-wasm fetches its .wasm from a CDN unless told otherwise: a border post has no network, so
 * the module is given the binary from node_modules, and `locateFile` points there too.
 */
function prepareReader(): Promise<void> {
  prepared ??= (async () => {
    const reader = await import('zxing-wasm/reader');
    const path = fileURLToPath(import.meta.resolve('zxing-wasm/reader/zxing_reader.wasm'));
    const binary = new Uint8Array(await readFile(path));
    await reader.prepareZXingModule({
      overrides: { wasmBinary: binary.buffer, locateFile: () => path },
      fireImmediately: true,
    });
  })();
  return prepared;
}

/** The bytes of the first DataMatrix in an image (the seal is binary: its bytes, not its text). */
export async function decodeDataMatrix(image: Uint8Array): Promise<Uint8Array> {
  await prepareReader();
  const { readBarcodes } = await import('zxing-wasm/reader');
  const results = await readBarcodes(image, {
    formats: ['DataMatrix'],
    tryHarder: true,
    maxNumberOfSymbols: 1,
  });
  const found = results.find((result) => result.isValid);
  if (!found) throw new NoBarcodeError('no DataMatrix could be read in the image');
  return Uint8Array.from(found.bytes);
}

// A payload of 200 bytes is 400 hex digits: longer than a file name may be, so not a path.
async function isFile(input: string): Promise<boolean> {
  try {
    return (await stat(input)).isFile();
  } catch {
    return false;
  }
}

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}
