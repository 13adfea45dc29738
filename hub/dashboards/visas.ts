import type { Queryable } from '../db/database.js';
import type { Period } from './period.js';

/** Visas and laissez-passer of one mission or one nationality over a period. */
export interface VisaFigures {
  /** The mission's id, or the nationality (MRZ code). */
  readonly key: string;
  /** Applications submitted in the period. */
  readonly requested: number;
  /** Decisions taken in the period. */
  readonly granted: number;
  readonly refused: number;
  /** Share of the period's decisions that were refusals; null without a decision. */
  readonly refusalShare: number | null;
  /** From submission to decision, over the period's decisions (nearest rank). */
  readonly medianHours: number | null;
  readonly p90Hours: number | null;
}

/** The visa figures of a dashboard: per mission, per nationality, and the whole scope. */
export interface VisaDashboard {
  readonly total: VisaFigures;
  readonly byMission: readonly VisaFigures[];
  readonly byNationality: readonly VisaFigures[];
}

/** Which column a breakdown groups by (a fixed list: the text goes into the SQL). */
const GROUPS = { mission: 'mission_id', nationality: 'nationality', all: "''" } as const;

interface Row {
  key: string;
  requested: number | string;
  granted: number | string;
  refused: number | string;
  median: number | string | null;
  p90: number | string | null;
}

/**
 * Requested (by submission), granted and refused (by decision) in the period, and the processing
 * time of its decisions at the median and the 90th percentile, from visa_statistics (migration 022,
 * one row per application the missions reported). Exact: percentile_disc takes the nearest rank.
 */
export async function visaFigures(db: Queryable, period: Period, missionId?: string): Promise<VisaDashboard> {
  const [byMission, byNationality, total] = await Promise.all([
    grouped(db, 'mission', period, missionId),
    grouped(db, 'nationality', period, missionId),
    grouped(db, 'all', period, missionId),
  ]);
  return { total: total[0] ?? emptyFigures(''), byMission, byNationality };
}

async function grouped(
  db: Queryable,
  by: keyof typeof GROUPS,
  period: Period,
  missionId: string | undefined,
): Promise<VisaFigures[]> {
  const column = GROUPS[by];
  const requested = 'requested_at >= $1 AND requested_at < $2';
  const decided = 'decided_at >= $1 AND decided_at < $2';
  const rows = await db.query<Row>(
    `SELECT ${column} AS key,
            count(*) FILTER (WHERE ${requested}) AS requested,
            count(*) FILTER (WHERE ${decided} AND outcome = 'granted') AS granted,
            count(*) FILTER (WHERE ${decided} AND outcome = 'refused') AS refused,
            percentile_disc(0.5) WITHIN GROUP (ORDER BY processing_hours) FILTER (WHERE ${decided}) AS median,
            percentile_disc(0.9) WITHIN GROUP (ORDER BY processing_hours) FILTER (WHERE ${decided}) AS p90
       FROM visa_statistics
      WHERE ((${requested}) OR (${decided})) AND ($3::text IS NULL OR mission_id = $3)
      GROUP BY 1 ORDER BY 1`,
    [period.from, period.to, missionId ?? null],
  );
  return rows.map(figuresOf);
}

function figuresOf(row: Row): VisaFigures {
  const granted = Number(row.granted);
  const refused = Number(row.refused);
  return {
    key: row.key,
    requested: Number(row.requested),
    granted,
    refused,
    refusalShare: granted + refused === 0 ? null : refused / (granted + refused),
    medianHours: row.median === null ? null : Number(row.median),
    p90Hours: row.p90 === null ? null : Number(row.p90),
  };
}

function emptyFigures(key: string): VisaFigures {
  return { key, requested: 0, granted: 0, refused: 0, refusalShare: null, medianHours: null, p90Hours: null };
}
