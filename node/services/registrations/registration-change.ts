import type { CountryCode } from 'libphonenumber-js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import type { PeopleRepository } from '../people/people-repository.js';
import { RegistrationError, RegistrationErrorCode } from './errors.js';
import {
  emitCensusEvent,
  emitCensusWithdrawn,
  REGISTRATION_ENTITY,
  type RegistrationEventKind,
} from './registration-census.js';
import {
  loadRegistration,
  type Registration,
  type RegistrationDraft,
  type RegistrationState,
  saveRegistration,
} from './registration-rows.js';
import { recordTransition } from './workflow-log.js';

/** What every registration operation needs, built once by the service. */
export interface RegistrationContext {
  readonly store: Store;
  readonly people: PeopleRepository;
  readonly defaultRegion: CountryCode;
  readonly now: () => Date;
  readonly today: () => string;
  readonly validityYears: number;
}

// submitted → verified (documents seen) → active; active ⇄ expired through renewal and expiry;
// deregistration (moved away, withdrawn) from any open state. rejected and deregistered are final.
const ALLOWED: Readonly<Record<RegistrationState, readonly RegistrationState[]>> = {
  submitted: ['verified', 'rejected', 'deregistered'],
  verified: ['active', 'rejected', 'deregistered'],
  active: ['active', 'expired', 'deregistered'],
  expired: ['active', 'deregistered'],
  rejected: [],
  deregistered: [],
};

/** True when the workflow allows moving from one state to another. */
export function canMove(from: RegistrationState, to: RegistrationState): boolean {
  return ALLOWED[from].includes(to);
}

/** One change to a registration, applied by {@link changeRegistration}. */
export interface RegistrationChange {
  readonly id: string;
  readonly actor: string;
  /** Event kind, also the audit action. */
  readonly kind: RegistrationEventKind;
  /** The state the change moves to, when it is a workflow step (or a choice made on the current record). */
  readonly to?: RegistrationState | ((before: Registration) => RegistrationState | undefined);
  /** Why, for the workflow history (encrypted). */
  readonly reason?: string;
  /** The new record; may throw a RegistrationError to refuse. */
  readonly apply: (before: Registration, at: string) => RegistrationDraft;
  /** True for changes the hub's census has no use for (personal details): no event. */
  readonly silent?: boolean;
  /** Writes that belong to the same transaction once the row is saved (consents, messages). */
  readonly alongside?: (draft: RegistrationDraft, at: string) => void;
}

/**
 * Applies a change in one immediate transaction: checks the workflow, saves, records who/when,
 * audits with before/after digests and emits the census event when consent allows.
 */
export function changeRegistration(ctx: RegistrationContext, change: RegistrationChange): Registration {
  const { store } = ctx;
  return immediateTransaction(store.db, () => {
    const before = loadRegistration(store, change.id);
    if (before === undefined) throw notFound(change.id);
    const to = typeof change.to === 'function' ? change.to(before) : change.to;
    if (to !== undefined && !canMove(before.state, to)) {
      throw new RegistrationError(
        RegistrationErrorCode.TransitionNotAllowed,
        `a ${before.state} registration cannot become ${to}`,
      );
    }
    const at = ctx.now().toISOString();
    const draft = { ...change.apply(before, at), updatedAt: at };
    saveRegistration(store, draft);
    change.alongside?.(draft, at);
    if (to !== undefined) {
      const step = { from: before.state, to, actor: change.actor, at };
      recordTransition(store, REGISTRATION_ENTITY, change.id, { ...step, reason: change.reason });
    }
    const after = loadRegistration(store, change.id) as Registration;
    auditRegistration(store, change.actor, change.kind, before, after, at);
    if (!change.silent) emitCensusEvent(store, after, change.kind, at);
    if (before.consents.census.granted && !after.consents.census.granted)
      emitCensusWithdrawn(store, after.id, at);
    return after;
  });
}

/** Appends the audit entry of a registration change: keyed digests, never values. */
export function auditRegistration(
  store: Store,
  actor: string,
  action: string,
  before: Registration | null,
  after: Registration,
  at: string,
): void {
  appendAudit(store.db, {
    actor,
    action,
    entity: REGISTRATION_ENTITY,
    entityId: after.id,
    beforeDigest: before === null ? null : digestRecord(store.keys.audit, auditedState(before)),
    afterDigest: digestRecord(store.keys.audit, auditedState(after)),
    at,
  });
}

/** The refusal for an unknown registration id. */
export function notFound(id: string): RegistrationError {
  return new RegistrationError(RegistrationErrorCode.NotFound, `no registration ${id}`);
}

function auditedState(registration: Registration) {
  const { updatedAt: _updated, ...state } = registration;
  return state;
}
