/** Small timing helpers for `econsulat bench`: medians of repeated rounds, never single runs. */

/** Runs `fn` for about `ms` milliseconds and returns operations per second. */
export function opsPerSecond(fn: () => void, ms: number): number {
  for (let i = 0; i < 20; i++) fn();
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 10; i++) fn();
    count += 10;
    now = process.hrtime.bigint();
  }
  return count / (Number(now - start) / 1e9);
}

/** The median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Formats a figure with thousands separators. */
export function figure(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
