/**
 * A FIFO of bytes that hands out fixed-size records without re-copying everything on each write,
 * so that a stream fed in small pieces stays linear in its size.
 */
export class ByteQueue {
  private parts: Buffer[] = [];
  private size = 0;

  /** Bytes waiting in the queue. */
  get length(): number {
    return this.size;
  }

  /** Appends bytes (kept by reference: the caller must not reuse the buffer). */
  append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.parts.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.size += bytes.length;
  }

  /** Removes and returns the first `count` bytes; throws a TypeError when fewer are queued. */
  take(count: number): Buffer {
    if (count > this.size) throw new TypeError(`asked for ${count} bytes, ${this.size} queued`);
    const out = Buffer.allocUnsafe(count);
    let filled = 0;
    while (filled < count) {
      const head = this.parts[0] as Buffer;
      const used = Math.min(head.length, count - filled);
      head.copy(out, filled, 0, used);
      filled += used;
      if (used === head.length) this.parts.shift();
      else this.parts[0] = head.subarray(used);
    }
    this.size -= count;
    return out;
  }
}
