import {
  type VisaDecidedData,
  VisaEvents,
  type VisaOutcome,
  type VisaRequestedData,
} from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { appendEvent, newEvent } from '../outbox/outbox.js';
import type { VisaApplication } from './visa-schema.js';

// What the ministry's figures learn of an application (PROTOCOL.md, "Visa statistics"): its kind,
// the applicant's nationality, the decision and how long it took. Nothing that names anyone.

const ENTITY = 'visa_application';
const HOUR_MS = 3_600_000;

/** Writes `visa.requested` to the outbox; call it inside the submission's transaction. */
export function writeVisaRequested(
  store: Store,
  application: Pick<VisaApplication, 'id' | 'kind' | 'nationality' | 'submittedAt'>,
): void {
  const data: VisaRequestedData = {
    documentKind: application.kind,
    nationality: application.nationality,
    submittedAt: application.submittedAt,
  };
  appendEvent(
    store,
    newEvent({
      kind: VisaEvents.Requested,
      entity: ENTITY,
      entityId: application.id,
      at: application.submittedAt,
      data,
    }),
  );
}

/** Writes `visa.decided` to the outbox; call it inside the decision's transaction. */
export function writeVisaDecided(
  store: Store,
  application: Pick<VisaApplication, 'id' | 'kind' | 'nationality' | 'submittedAt'>,
  decision: { outcome: VisaOutcome; visaType: string | null; decidedAt: string },
): void {
  const elapsed = Date.parse(decision.decidedAt) - Date.parse(application.submittedAt);
  const data: VisaDecidedData = {
    documentKind: application.kind,
    nationality: application.nationality,
    outcome: decision.outcome,
    visaType: decision.outcome === 'granted' ? decision.visaType : null,
    submittedAt: application.submittedAt,
    decidedAt: decision.decidedAt,
    // Two decimals: a figure in hours, not a timestamp that could tell one applicant from another.
    processingHours: Math.max(0, Math.round((elapsed / HOUR_MS) * 100) / 100),
  };
  appendEvent(
    store,
    newEvent({
      kind: VisaEvents.Decided,
      entity: ENTITY,
      entityId: application.id,
      at: decision.decidedAt,
      data,
    }),
  );
}
