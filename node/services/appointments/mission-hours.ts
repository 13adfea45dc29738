import type { Store } from '../../db/store.js';
import {
  type Closure,
  MISSION_SCOPE,
  type OpeningRange,
  readClosures,
  readOpeningHours,
} from './calendar.js';

/** What the mission's hours need. */
export interface MissionHoursDeps {
  readonly store: Store;
}

/** The mission's own opening hours and closures, as the public is told them (portal, USSD). */
export interface MissionHours {
  /** The weekly opening hours of the mission, Monday first. */
  openingHours(): OpeningRange[];
  /** Closures of the whole mission, earliest first (past ones and yearly ones included). */
  closures(): Closure[];
}

/** Builds the mission's hours over a store. */
export function createMissionHours(deps: MissionHoursDeps): MissionHours {
  const { db } = deps.store;
  return {
    openingHours: () => readOpeningHours(db, MISSION_SCOPE),
    closures: () => readClosures(db, MISSION_SCOPE),
  };
}
