import type { Queryable } from '../db/database.js';
import type { Period } from './period.js';
import { rollupWhere } from './rollup-range.js';

/** Processing time of one service's files whose clock stopped in the period. */
export interface ProcessingFigures {
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly files: number;
  /** Hours, at the histogram's resolution (an hour below two days, a day above). */
  readonly medianHours: number | null;
  readonly p90Hours: number | null;
  readonly targetDays: number | null;
  /** Share of files done within the target; null without a target. */
  readonly onTargetShare: number | null;
}

interface Bucket {
  readonly hours: number;
  readonly files: number;
}

/**
 * Median and 90th percentile per service against its target in the latest catalogue. Computed
 * from the processing-time histogram: the percentile is the upper bound of the bucket that holds
 * it (nearest rank), exact to the hour for same-day services and to the day beyond two days.
 */
export async function processingFigures(
  db: Queryable,
  period: Period,
  missionId?: string,
): Promise<ProcessingFigures[]> {
  const where = rollupWhere(period, missionId);
  const rows = await db.query<{ service_code: string; bucket_hours: number; files: number }>(
    `SELECT service_code, bucket_hours, sum(files)::bigint AS files FROM dashboard_processing
      WHERE ${where.sql} GROUP BY service_code, bucket_hours ORDER BY service_code, bucket_hours`,
    where.params,
  );
  const catalogue = await serviceTargets(db);
  const byService = new Map<string, Bucket[]>();
  for (const row of rows) {
    const buckets = byService.get(row.service_code) ?? [];
    buckets.push({ hours: Number(row.bucket_hours), files: Number(row.files) });
    byService.set(row.service_code, buckets);
  }
  return [...byService].map(([code, buckets]) => {
    const target = catalogue.get(code);
    return summarise(code, target?.name ?? code, buckets, target?.days ?? null);
  });
}

/** The nearest-rank percentile of a sorted histogram: the bucket holding the p-th file. */
export function histogramPercentile(buckets: readonly Bucket[], p: number): number | null {
  const total = buckets.reduce((sum, bucket) => sum + bucket.files, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const bucket of buckets) {
    seen += bucket.files;
    if (seen >= rank) return bucket.hours;
  }
  return buckets[buckets.length - 1]?.hours ?? null;
}

function summarise(code: string, name: string, buckets: Bucket[], targetDays: number | null) {
  const files = buckets.reduce((sum, bucket) => sum + bucket.files, 0);
  // Buckets above two days are whole days rounded up: `hours <= target` is exact for a target in days.
  const within = buckets.filter((b) => targetDays !== null && b.hours <= targetDays * 24);
  return {
    serviceCode: code,
    serviceName: name,
    files,
    medianHours: histogramPercentile(buckets, 0.5),
    p90Hours: histogramPercentile(buckets, 0.9),
    targetDays,
    onTargetShare: targetDays === null ? null : within.reduce((sum, b) => sum + b.files, 0) / files,
  };
}

/** Each service's French name and processing target, from the latest published catalogue. */
export async function serviceTargets(db: Queryable): Promise<Map<string, { name: string; days: number }>> {
  const [latest] = await db.query<{ services: unknown }>(
    'SELECT services FROM catalogue_versions ORDER BY version DESC LIMIT 1',
  );
  const targets = new Map<string, { name: string; days: number }>();
  if (!Array.isArray(latest?.services)) return targets;
  for (const service of latest.services as {
    code?: unknown;
    name?: unknown;
    processingDaysTarget?: unknown;
  }[]) {
    if (typeof service.code !== 'string' || typeof service.processingDaysTarget !== 'number') continue;
    const name = (service.name as { fr?: unknown } | undefined)?.fr;
    targets.set(service.code, {
      name: typeof name === 'string' ? name : service.code,
      days: service.processingDaysTarget,
    });
  }
  return targets;
}
