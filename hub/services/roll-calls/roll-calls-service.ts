import type { Identity, TrustStore } from '../../../protocol/index.js';
import type { Database } from '../../db/database.js';
import type { IssuedDirective } from '../directives/issue-directive.js';
import type { CsvFile } from '../exports/exports-service.js';
import { loadNeedHelpLists, type MissionNeedHelpList } from './need-help-read.js';
import { rollCallCsv } from './roll-call-csv.js';
import {
  type LocalRollCall,
  listLocalRollCalls,
  listOrderedRollCalls,
  loadRollCallDetail,
  type OrderedRollCall,
  type RollCallDetail,
} from './roll-call-read.js';
import { type RollCallInput, startRollCall } from './start-roll-call.js';

/** What the roll-calls service is built from. */
export interface RollCallsServiceOptions {
  readonly db: Database;
  readonly hub: Identity;
  readonly trust: TrustStore;
  /** Publishes a sealed envelope to a mission once committed (the hub's link). */
  readonly publish: (missionId: string, envelope: Uint8Array) => void;
  readonly now: () => Date;
}

/**
 * Crisis roll-calls at HQ: ordered to missions, followed by their counts; a person only in the list
 * of those who need help, where the ministry asked for it and the mission's consul approved.
 */
export interface RollCallsService {
  /** Orders a roll-call at its missions (audited), then publishes it once committed. */
  start(input: RollCallInput, issuedBy: string): Promise<IssuedDirective>;
  /** The roll-calls ordered, with their totals, and those missions started themselves. */
  list(): Promise<{ ordered: OrderedRollCall[]; local: LocalRollCall[] }>;
  /** An ordered roll-call with each mission's counts, or undefined. */
  detail(id: string): Promise<RollCallDetail | undefined>;
  /**
   * The lists of the people who need help the missions sent for an ordered roll-call (only where it
   * asked for them and each mission's consul approved); personal data, for the roll-call's page.
   */
  needHelpLists(id: string): Promise<MissionNeedHelpList[]>;
  /** An ordered roll-call's counts per mission as CSV, or undefined. */
  csv(id: string): Promise<CsvFile | undefined>;
}

/** Wires the roll-calls service over the store, the ministry's key and the link. */
export function createRollCallsService(options: RollCallsServiceOptions): RollCallsService {
  const { db, now } = options;
  return {
    async start(input, issuedBy) {
      const issued = await startRollCall(db, options.hub, options.trust, input, issuedBy, now());
      for (const { missionId, envelope } of issued.envelopes) options.publish(missionId, envelope);
      return issued;
    },
    async list() {
      return { ordered: await listOrderedRollCalls(db), local: await listLocalRollCalls(db) };
    },
    detail: (id) => loadRollCallDetail(db, id),
    needHelpLists: (id) => loadNeedHelpLists(db, id),
    async csv(id) {
      const detail = await loadRollCallDetail(db, id);
      if (!detail) return undefined;
      return { fileName: `appel_${detail.id}.csv`, body: rollCallCsv(detail) };
    },
  };
}
