import type { Queryable } from '../db/database.js';
import { type ActivityFigures, activityFigures } from './activity.js';
import { type DirectiveFigures, directiveFigures } from './directives.js';
import { type FileStateFigures, fileStateFigures } from './files.js';
import { type MissionLink, missionLinks } from './links.js';
import type { Period } from './period.js';
import { type ProcessingFigures, processingFigures } from './processing.js';
import { type RegistryFigures, registryFigures } from './registry.js';
import { type ActivitySeries, activitySeries } from './series.js';
import { type VisaDashboard, visaFigures } from './visas.js';

/** Every figure of a dashboard: the whole network, or one mission when `missionId` is set. */
export interface Dashboard {
  readonly missionId: string | undefined;
  readonly period: Period;
  readonly generatedAt: Date;
  readonly links: readonly MissionLink[];
  readonly activity: {
    readonly total: ActivityFigures;
    readonly byMission: ReadonlyMap<string, ActivityFigures>;
  };
  readonly files: FileStateFigures;
  readonly processing: readonly ProcessingFigures[];
  readonly directives: readonly DirectiveFigures[];
  readonly registry: readonly RegistryFigures[];
  readonly series: ActivitySeries;
  /** Visas and laissez-passer requested, decided and their processing times. */
  readonly visas: VisaDashboard;
}

/** What to compute. */
export interface DashboardQuery {
  readonly period: Period;
  readonly now: Date;
  readonly missionId?: string;
}

/** Computes a dashboard from the rollups and the small status tables. */
export async function loadDashboard(db: Queryable, query: DashboardQuery): Promise<Dashboard> {
  const { period, now, missionId } = query;
  const [links, activity, files, processing, directives, registry, series, visas] = await Promise.all([
    missionLinks(db, missionId),
    activityFigures(db, period, missionId),
    fileStateFigures(db, period, missionId),
    processingFigures(db, period, missionId),
    directiveFigures(db, period, now, missionId),
    registryFigures(db, period, missionId),
    activitySeries(db, period, missionId),
    visaFigures(db, period, missionId),
  ]);
  return {
    missionId,
    period,
    generatedAt: now,
    links,
    activity,
    files,
    processing,
    directives,
    registry,
    series,
    visas,
  };
}
