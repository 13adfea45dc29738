/**
 * Public API of the registry matching engine: pure (no I/O, no database), so the hub's ingest and the
 * `econsulat registry match` command share it.
 */
export { formatPartialDate, type PartialDate, parsePartialDate } from './partial-date.js';
export { DEFAULT_THRESHOLDS, RegistryIndex, type RegistryIndexOptions } from './registry-index.js';
export type {
  MatchCandidate,
  MatchDecision,
  MatchThresholds,
  RegistryRecord,
  ScoredCandidate,
} from './types.js';
