import { encode } from 'uqr';

// ISO/IEC 18004 §6.3.8: a quiet zone of four modules round the symbol, or phones may not find it.
const QUIET_ZONE = 4;
/** Shown size in CSS pixels; the drawing scales to it. */
const SIZE_PX = 232;

/**
 * A QR code of `text` as SVG markup to put in a page: one path of dark squares drawn from the
 * module matrix (uqr), with attributes only, no style or script, so the hub's CSP lets it be.
 * Error correction M (ISO/IEC 18004 §6.5.1): an otpauth:// URI then fits a version a phone reads
 * at arm's length from a screen.
 */
export function qrSvg(text: string): string {
  const { data, size } = encode(text, { ecc: 'M', border: QUIET_ZONE });
  let path = '';
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path += `M${x} ${y}h1v1h-1z`;
    });
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${SIZE_PX}" height="${SIZE_PX}" ` +
    `shape-rendering="crispEdges" role="img" aria-label="QR code de configuration">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`
  );
}
