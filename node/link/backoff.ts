/**
 * Reconnection delay: exponential from `baseMs` to `maxMs`, with "equal jitter" (half fixed, half
 * random) so that fifty missions coming back after the same outage do not reconnect in step.
 */
export function reconnectDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
