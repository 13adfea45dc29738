import type { KeepRule } from './offsite-settings.js';

/** A stored generation as the retention weighs it. */
export interface StoredGeneration {
  readonly generation: number;
  /** When the mission made it (its manifest's createdAt). */
  readonly createdAt: Date;
}

/**
 * Grandfather-father-son: the newest generation of each of the `daily` most recent UTC days that
 * have one, of the `weekly` most recent ISO weeks, of the `monthly` most recent months, and the
 * newest of all whatever the rule. Counting periods that have a generation (not calendar periods)
 * keeps a mission that was offline for a fortnight from losing all but its last backup.
 */
export function generationsToKeep(stored: readonly StoredGeneration[], rule: KeepRule): Set<number> {
  const newestFirst = [...stored].sort((a, b) => b.generation - a.generation);
  const keep = new Set<number>();
  const newest = newestFirst[0];
  if (newest) keep.add(newest.generation);
  for (const [count, period] of [
    [rule.daily, dayOf],
    [rule.weekly, isoWeekOf],
    [rule.monthly, monthOf],
  ] as const) {
    const seen = new Set<string>();
    for (const each of newestFirst) {
      if (seen.size >= count) break;
      const key = period(each.createdAt);
      if (seen.has(key)) continue;
      seen.add(key);
      keep.add(each.generation);
    }
  }
  return keep;
}

function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function monthOf(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** ISO 8601 week: weeks start on Monday; week 1 holds the year's first Thursday. */
function isoWeekOf(at: Date): string {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${week}`;
}
