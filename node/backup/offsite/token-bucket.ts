/** Paces bytes to a rate: what is taken beyond the tokens held is paid back by waiting. */
export interface TokenBucket {
  /** Resolves when `bytes` may go, given the rate asked now. */
  take(bytes: number): Promise<void>;
}

/**
 * A token bucket holding at most one second of
 * tokens: a burst after a quiet spell never exceeds one second's worth. A frame larger than the
 * bucket may go once the bucket is full and leaves it in debt, so a 1 MiB chunk on a 64 kB/s link
 * still goes, and the next waits for the debt to be repaid.
 */
export function createTokenBucket(
  rate: () => number,
  now: () => number = Date.now,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): TokenBucket {
  let tokens = 0;
  let at = now();
  const refill = () => {
    const t = now();
    const perSecond = rate();
    tokens = Math.min(perSecond, tokens + ((t - at) / 1000) * perSecond);
    at = t;
    return perSecond;
  };
  return {
    async take(bytes) {
      for (;;) {
        const perSecond = refill();
        if (tokens >= Math.min(bytes, perSecond)) {
          tokens -= bytes;
          return;
        }
        await sleep(Math.max(1, ((Math.min(bytes, perSecond) - tokens) / perSecond) * 1000));
      }
    },
  };
}
