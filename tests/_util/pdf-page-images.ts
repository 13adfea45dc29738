import { crc32, deflateSync, inflateSync } from 'node:zlib';
import {
  PDFArray,
  PDFDict,
  type PDFDocument,
  PDFName,
  type PDFNumber,
  type PDFPage,
  PDFRawStream,
} from 'pdf-lib';
import type { Page } from 'playwright-core';

// Rendering a PDF page's images the way a viewer places them, for tests that must read a barcode
// "from the page". Headless Chromium has no PDF viewer and this machine no PDF renderer (no pdf.js,
// no poppler), so: the page's content stream is interpreted for its graphics state (q, Q, cm) and
// its image draws (Do), each image XObject is turned back into a PNG or JPEG from the bytes the PDF
// holds, and Chromium draws them at those positions and sizes on a white page at a given
// resolution — scaling and smoothing them as a renderer does — and takes a screenshot of it.
// Text is not drawn: it holds nothing a barcode reader looks for.

/** An image of the page, at its place in PDF user space (points, origin at the bottom left). */
export interface PlacedImage {
  readonly name: string;
  readonly mimeType: 'image/png' | 'image/jpeg';
  readonly bytes: Uint8Array;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

type Matrix = [number, number, number, number, number, number];

// PDF 32000-1 §8.3.4: a' = m × ctm, for row vectors [x y 1].
function multiply(m: Matrix, ctm: Matrix): Matrix {
  const [a, b, c, d, e, f] = m;
  const [A, B, C, D, E, F] = ctm;
  return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F];
}

function contentBytes(page: PDFPage): Uint8Array {
  const contents = page.node.Contents();
  const streams =
    contents instanceof PDFArray ? contents.asArray().map((ref) => page.doc.context.lookup(ref)) : [contents];
  const parts = streams.map((stream) => {
    if (!(stream instanceof PDFRawStream)) return new Uint8Array();
    const filter = stream.dict.get(PDFName.of('Filter'));
    return filter === PDFName.of('FlateDecode') ? inflateSync(stream.contents) : stream.contents;
  });
  return Buffer.concat(parts.map((part) => Buffer.from(part)));
}

/**
 * The images a page draws and where (PDF 32000-1 §8.4.4 q/Q, §8.3.4 cm, §8.8 Do with the unit
 * square). Strings in the stream are pdf-lib's hex strings, with no spaces to split on.
 */
export function placedImages(pdf: PDFDocument, pageIndex = 0): PlacedImage[] {
  const page = pdf.getPage(pageIndex);
  const xObjects = page.node.Resources()?.lookup(PDFName.of('XObject'), PDFDict);
  const tokens = Buffer.from(contentBytes(page)).toString('latin1').split(/\s+/).filter(Boolean);
  const stack: Matrix[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  let operands: string[] = [];
  const placed: PlacedImage[] = [];
  for (const token of tokens) {
    if (/^[-+]?(\d+\.?\d*|\.\d+)$/.test(token) || token.startsWith('/')) {
      operands.push(token);
      continue;
    }
    if (token === 'q') stack.push(ctm);
    else if (token === 'Q') ctm = stack.pop() ?? [1, 0, 0, 1, 0, 0];
    else if (token === 'cm') ctm = multiply(operands.slice(-6).map(Number) as Matrix, ctm);
    else if (token === 'Do') {
      const name = (operands.at(-1) ?? '').slice(1);
      const stream = xObjects?.lookup(PDFName.of(name));
      if (stream instanceof PDFRawStream && stream.dict.get(PDFName.of('Subtype')) === PDFName.of('Image')) {
        placed.push({ name, ...imageOf(stream), x: ctm[4], y: ctm[5], width: ctm[0], height: ctm[3] });
      }
    }
    operands = [];
  }
  return placed;
}

/** An image XObject back as a file: a JPEG as it is, deflated pixels (RGB or grey, 8 bits) as a PNG. */
function imageOf(image: PDFRawStream): Pick<PlacedImage, 'mimeType' | 'bytes'> {
  const filter = image.dict.get(PDFName.of('Filter'));
  if (filter === PDFName.of('DCTDecode')) return { mimeType: 'image/jpeg', bytes: image.contents };
  const width = (image.dict.get(PDFName.of('Width')) as PDFNumber).asNumber();
  const height = (image.dict.get(PDFName.of('Height')) as PDFNumber).asNumber();
  const colours = image.dict.get(PDFName.of('ColorSpace')) === PDFName.of('DeviceGray') ? 1 : 3;
  const pixels =
    filter === PDFName.of('FlateDecode') ? inflateSync(image.contents) : Buffer.from(image.contents);
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++)
    rows.push(Buffer.from([0]), pixels.subarray(y * width * colours, (y + 1) * width * colours));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, colours === 1 ? 0 : 2, 0, 0, 0], 8);
  const bytes = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
  return { mimeType: 'image/png', bytes };
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * Draws a PDF page's images on a white page in Chromium at `dpi` and returns the screenshot (PNG):
 * what a printed and photographed page, or a viewer's rendering, offers a barcode reader.
 */
export async function renderPageImages(
  browserPage: Page,
  pdf: PDFDocument,
  options: { pageIndex?: number; dpi?: number } = {},
): Promise<Uint8Array> {
  const page = pdf.getPage(options.pageIndex ?? 0);
  const scale = (options.dpi ?? 150) / 72;
  const [width, height] = [Math.round(page.getWidth() * scale), Math.round(page.getHeight() * scale)];
  const images = placedImages(pdf, options.pageIndex ?? 0).map(
    (image) =>
      `<img alt="" src="data:${image.mimeType};base64,${Buffer.from(image.bytes).toString('base64')}" style="position:absolute;left:${image.x * scale}px;top:${(page.getHeight() - image.y - image.height) * scale}px;width:${image.width * scale}px;height:${image.height * scale}px">`,
  );
  await browserPage.setViewportSize({ width, height });
  await browserPage.setContent(
    `<!doctype html><body style="margin:0;background:#fff"><div style="position:relative;width:${width}px;height:${height}px">${images.join('')}</div></body>`,
  );
  await browserPage.waitForFunction('[...document.images].every((image) => image.complete)');
  return new Uint8Array(await browserPage.screenshot({ type: 'png' }));
}
