/**
 * How many chunk frames, and about how many bytes (past the first frame), a sender keeps
 * unacknowledged, when it starts and on a thin or slow link: wide enough that the hub writes one
 * batch while the next is on its way (a window of 8 left the sender waiting on each commit), and that
 * a batch of the database's 16 KiB pieces fills up to the bytes bound. The bytes bound keeps what may
 * wait on a slow wire, and be taken as lost after the acknowledgement timeout, at half of what 8 scan
 * pieces of 1 MiB could before; the token bucket still paces every frame at the policy's rate.
 */
export const OFFSITE_WINDOW = { frames: 256, bytes: 4 * 1024 * 1024 } as const;

/**
 * The widest the window grows to while acknowledgements come back fast: on a fast link the hub then
 * writes batches of several MiB instead of about one, and the transfer spends less of its time on
 * each batch's fixed cost (BENCHMARKS.md, "Off-site backups").
 */
export const OFFSITE_WINDOW_WIDEST = { frames: 1_024, bytes: 16 * 1024 * 1024 } as const;

/** A frame acknowledged this soon after it went says the link keeps up: the window may widen. */
const FAST_ACK_MS = 1_000;
/** A frame acknowledged this late says frames are queueing on the way: back to the narrow window. */
const SLOW_ACK_MS = 10_000;

/** The bounds in force, and what widens or narrows them. */
export interface SendWindow {
  readonly frames: number;
  readonly bytes: number;
  /** A frame of `bytes` was acknowledged `elapsedMs` after it was published. */
  acknowledged(bytes: number, elapsedMs: number): void;
  /** Back to the narrow window: a new connection may run over another, slower link. */
  narrow(): void;
}

/**
 * A window that starts at `narrowest` and grows by each frame acknowledged fast (doubling once per
 * window's worth, as TCP's slow start does) up to `widest`; one slow acknowledgement sets it back to
 * `narrowest`, so that a link slower than the policy's rate never holds more than the narrow window
 * queued for long. The frames bound grows in proportion to the bytes bound.
 */
export function createSendWindow(
  narrowest: { readonly frames: number; readonly bytes: number } = OFFSITE_WINDOW,
  widest: { readonly frames: number; readonly bytes: number } = OFFSITE_WINDOW_WIDEST,
): SendWindow {
  const maxBytes = Math.max(narrowest.bytes, widest.bytes);
  const maxFrames = Math.max(narrowest.frames, widest.frames);
  let bytes = narrowest.bytes;
  return {
    get bytes() {
      return bytes;
    },
    get frames() {
      return Math.min(maxFrames, Math.round((narrowest.frames * bytes) / narrowest.bytes));
    },
    acknowledged(frameBytes, elapsedMs) {
      if (elapsedMs >= SLOW_ACK_MS) bytes = narrowest.bytes;
      else if (elapsedMs <= FAST_ACK_MS) bytes = Math.min(maxBytes, bytes + frameBytes);
    },
    narrow() {
      bytes = narrowest.bytes;
    },
  };
}
