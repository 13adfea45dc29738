/**
 * The broker tokens already used to connect, each kept until it could no longer be accepted
 * anyway: a token captured on the wire (or read from a log) cannot open a second connection.
 * Clients make a fresh token for every connection attempt (node/link, hub/link), so nothing
 * legitimate presents one twice.
 */
export interface UsedTokens {
  /** Records the token; false when it was used already (a replay). */
  admit(nonce: string, acceptableUntil: number, now: number): boolean;
  readonly size: number;
}

/**
 * Only tokens signed by an enrolled key reach the cache, so it grows with the connections of the
 * network, not with an attacker's guesses; past `limit` entries it refuses new tokens rather than
 * forget used ones, and says so through the refusal.
 */
export function createUsedTokens(limit = 100_000): UsedTokens {
  const until = new Map<string, number>();
  const forgetExpired = (now: number) => {
    for (const [nonce, expiry] of until) if (expiry < now) until.delete(nonce);
  };
  return {
    admit(nonce, acceptableUntil, now) {
      const seen = until.get(nonce);
      if (seen !== undefined && seen >= now) return false;
      if (until.size >= limit) forgetExpired(now);
      if (until.size >= limit) return false;
      until.set(nonce, acceptableUntil);
      return true;
    },
    get size() {
      return until.size;
    },
  };
}
