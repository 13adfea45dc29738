import { CivilStatusEvents } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { appendEvent, newEvent } from '../outbox/outbox.js';
import type { PeopleRepository } from '../people/people-repository.js';
import { recordTransition } from '../registrations/workflow-log.js';
import {
  type CivilStatusRecord,
  type CivilStatusState,
  loadCivilStatus,
  saveCivilStatus,
} from './civil-status-rows.js';
import { CivilStatusError, CivilStatusErrorCode } from './errors.js';

/** Entity name of transcriptions in the audit log, the outbox and the workflow history. */
export const CIVIL_STATUS_ENTITY = 'civil_status';

/** Event kinds of transcriptions. Their data holds the kind of event, states and country: no person. */
export const CivilStatusEvent = CivilStatusEvents;
export type CivilStatusEventKind = (typeof CivilStatusEvent)[keyof typeof CivilStatusEvent];

/** What every civil-status operation needs, built once by the service. */
export interface CivilStatusContext {
  readonly store: Store;
  readonly people: PeopleRepository;
  readonly now: () => Date;
  readonly today: () => string;
}

// submitted → under_review → transcribed | rejected; a request may also be refused on sight.
const ALLOWED: Readonly<Record<CivilStatusState, readonly CivilStatusState[]>> = {
  submitted: ['under_review', 'rejected'],
  under_review: ['transcribed', 'rejected'],
  transcribed: [],
  rejected: [],
};

/** One change to a transcription, applied by {@link changeCivilStatus}. */
export interface CivilStatusChange {
  readonly id: string;
  readonly actor: string;
  readonly kind: CivilStatusEventKind;
  readonly to?: CivilStatusState;
  readonly reason?: string;
  readonly apply: (before: CivilStatusRecord, at: string) => CivilStatusRecord;
  readonly alongside?: (after: CivilStatusRecord, at: string) => void;
}

/** Applies a change in one immediate transaction: workflow check, save, who/when, audit, event. */
export function changeCivilStatus(ctx: CivilStatusContext, change: CivilStatusChange): CivilStatusRecord {
  const { store } = ctx;
  return immediateTransaction(store.db, () => {
    const before = loadCivilStatus(store, change.id);
    if (before === undefined)
      throw new CivilStatusError(CivilStatusErrorCode.NotFound, `no civil-status record ${change.id}`);
    if (change.to !== undefined && !ALLOWED[before.state].includes(change.to)) {
      throw new CivilStatusError(
        CivilStatusErrorCode.TransitionNotAllowed,
        `a ${before.state} record cannot become ${change.to}`,
      );
    }
    const at = ctx.now().toISOString();
    const after = { ...change.apply(before, at), updatedAt: at };
    saveCivilStatus(store, after);
    change.alongside?.(after, at);
    if (change.to !== undefined) {
      const step = { from: before.state, to: change.to, actor: change.actor, at, reason: change.reason };
      recordTransition(store, CIVIL_STATUS_ENTITY, change.id, step);
    }
    recordCivilStatusChange(store, change.actor, change.kind, before, after, at);
    return after;
  });
}

/** The audit entry (keyed digests) and the outbox event (no personal data) of a change. */
export function recordCivilStatusChange(
  store: Store,
  actor: string,
  kind: CivilStatusEventKind,
  before: CivilStatusRecord | null,
  after: CivilStatusRecord,
  at: string,
): void {
  const digest = (record: CivilStatusRecord) => {
    const { updatedAt: _updated, ...state } = record;
    return digestRecord(store.keys.audit, state);
  };
  appendAudit(store.db, {
    actor,
    action: kind,
    entity: CIVIL_STATUS_ENTITY,
    entityId: after.id,
    beforeDigest: before === null ? null : digest(before),
    afterDigest: digest(after),
    at,
  });
  const data = {
    kind: after.kind,
    state: after.state,
    channel: after.channel,
    eventCountry: after.eventCountry,
    registryState: after.registry.state,
  };
  appendEvent(store, newEvent({ kind, entity: CIVIL_STATUS_ENTITY, entityId: after.id, at, data }));
}
