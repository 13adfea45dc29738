/** Small stand-ins for scans: the right leading bytes for their format, then filler. */

/** A "PDF" holding `text` in the clear, as a scanned page's text layer would. */
export function fakePdf(text: string): Uint8Array {
  return new TextEncoder().encode(`%PDF-1.7\n1 0 obj << /Title (${text}) >> endobj\n%%EOF\n`);
}

/** A "JPEG" of `size` bytes. */
export function fakeJpeg(size: number): Uint8Array {
  return filled([0xff, 0xd8, 0xff, 0xe0], size);
}

/** A "PNG" of `size` bytes (at least its 8-byte signature). */
export function fakePng(size: number): Uint8Array {
  return filled([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], Math.max(size, 8));
}

function filled(head: readonly number[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(head.slice(0, size));
  for (let i = head.length; i < size; i++) bytes[i] = (i * 31) & 0xff;
  return bytes;
}
