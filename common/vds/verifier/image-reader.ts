import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
// esbuild's base64 loader (build-verifier-page.ts) makes this the .wasm's bytes as base64 text: the
// page carries its decoder, since zxing-wasm would otherwise fetch it from a CDN.
import wasmBase64 from 'zxing-wasm/reader/zxing_reader.wasm';
import type { PageFile } from './page-dom.js';

let prepared: Promise<unknown> | undefined;

function wasmBytes(): Uint8Array {
  const text = atob(wasmBase64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * The first DataMatrix of a photo or scan, as bytes (the seal is binary), read by ZXing in
 * WebAssembly from the binary inlined in the page; null when the image holds none. The module is
 * compiled on the first image, not when the page opens.
 */
export async function readDataMatrix(image: PageFile): Promise<Uint8Array | null> {
  prepared ??= prepareZXingModule({
    overrides: { wasmBinary: wasmBytes().buffer as ArrayBuffer },
    fireImmediately: true,
  });
  await prepared;
  const results = await readBarcodes(image as unknown as Blob, {
    formats: ['DataMatrix'],
    tryHarder: true,
    maxNumberOfSymbols: 1,
  });
  const found = results.find((result) => result.isValid);
  return found ? Uint8Array.from(found.bytes) : null;
}
