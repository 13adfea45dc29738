import { z } from 'zod';

/** A half-open span of whole UTC days, [from, to). */
export interface Period {
  readonly from: Date;
  readonly to: Date;
}

const DAY_MS = 86_400_000;

/** The period presets of the filter, in days back from the end of today (UTC). */
export const PERIOD_PRESETS = {
  '7j': 7,
  '30j': 30,
  '90j': 90,
  '12m': 365,
  '5a': 1826,
} as const;

/** One of {@link PERIOD_PRESETS}. */
export type PeriodPreset = keyof typeof PERIOD_PRESETS;

const isoDay = z.iso.date();

const periodFields = {
  periode: z.enum(Object.keys(PERIOD_PRESETS) as [PeriodPreset, ...PeriodPreset[]]).optional(),
  du: isoDay.optional(),
  au: isoDay.optional(),
};

/**
 * The period filter as a page or an export receives it: a preset, or a first and last day
 * (inclusive, `YYYY-MM-DD`). Nothing given means the last 30 days. `extra` adds fields.
 */
export function periodQuerySchema<T extends z.ZodRawShape>(extra: T) {
  return z
    .strictObject({ ...periodFields, ...extra })
    .refine((filter) => isOrdered(filter as PeriodDays), {
      message: 'the first day must not be after the last',
      path: ['du'],
    })
    .refine((filter) => spansTenYearsAtMost(filter as PeriodDays), {
      message: 'a period spans ten years at most',
      path: ['au'],
    });
}

type PeriodDays = { readonly du?: string | undefined; readonly au?: string | undefined };

function isOrdered({ du, au }: PeriodDays): boolean {
  return !du || !au || du <= au;
}

function spansTenYearsAtMost({ du, au }: PeriodDays): boolean {
  return !du || !au || daysBetween(du, au) <= 3660;
}

/** The period filter alone (see {@link periodQuerySchema}). */
export const periodFilterSchema = periodQuerySchema({});

/** What {@link periodFilterSchema} accepts. */
export type PeriodFilter = z.infer<typeof periodFilterSchema>;

/** The period a filter names, on the UTC calendar; custom days win over a preset. */
export function resolvePeriod(filter: PeriodFilter, now: Date): Period {
  const endOfToday = startOfDay(now).getTime() + DAY_MS;
  if (filter.du || filter.au) {
    const to = filter.au ? Date.parse(`${filter.au}T00:00:00Z`) + DAY_MS : endOfToday;
    const from = filter.du ? Date.parse(`${filter.du}T00:00:00Z`) : to - 30 * DAY_MS;
    return { from: new Date(Math.min(from, to - DAY_MS)), to: new Date(to) };
  }
  const days = PERIOD_PRESETS[filter.periode ?? '30j'];
  return { from: new Date(endOfToday - days * DAY_MS), to: new Date(endOfToday) };
}

/** `YYYY-MM-DD` of a UTC instant. */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The last day inside a period (its `to` is exclusive). */
export function lastDayOf(period: Period): string {
  return dayOf(new Date(period.to.getTime() - DAY_MS));
}

/** Number of days in a period. */
export function periodDays(period: Period): number {
  return Math.round((period.to.getTime() - period.from.getTime()) / DAY_MS);
}

function startOfDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

function daysBetween(first: string, last: string): number {
  return (Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / DAY_MS;
}
