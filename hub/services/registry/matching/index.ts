/**
 * Public API of the registry matching engine: pure (no I/O, no database), so the hub's ingest and the
 * `econsulat registry match` command share it.
 */
export {
  type Comparable,
  DEFAULT_THRESHOLDS,
  decideAmong,
  type HomonymStatistics,
  type MatchSettings,
  scoreFound,
} from './match-among.js';
export { fullNameKey } from './name-frequency.js';
export { NameCache } from './names.js';
export { formatPartialDate, type PartialDate, parsePartialDate } from './partial-date.js';
export { normaliseNationalId, type PreparedPerson, preparePerson } from './prepared-person.js';
export { RegistryIndex, type RegistryIndexOptions } from './registry-index.js';
export type {
  MatchCandidate,
  MatchDecision,
  MatchThresholds,
  RegistryRecord,
  ScoredCandidate,
} from './types.js';
export { NAME_RARITY } from './weights.js';
