import {
  type MissionEvent,
  VisaEvents,
  visaDecidedDataSchema,
  visaRequestedDataSchema,
} from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';

/**
 * The `visa.requested` and `visa.decided` events of a batch → visa_statistics (migration 022), one
 * row per mission and application. A request fills the row's kind, nationality and submission; a
 * decision fills those too (so a row is whole whichever came first) and its outcome and duration,
 * the latest decision standing. An event applied again, or the same event sent again under a new
 * id after a mission's restore, changes no figure. Data that does not read as the protocol says is
 * left to the batch's unread-event count.
 */
export async function applyVisaEvents(
  tx: Queryable,
  missionId: string,
  events: readonly MissionEvent[],
  now: Date,
): Promise<void> {
  for (const event of events) {
    if (event.kind === VisaEvents.Requested) await applyRequested(tx, missionId, event, now);
    else if (event.kind === VisaEvents.Decided) await applyDecided(tx, missionId, event, now);
  }
}

async function applyRequested(tx: Queryable, missionId: string, event: MissionEvent, now: Date) {
  const parsed = visaRequestedDataSchema.safeParse(event.data);
  if (!parsed.success) return;
  const { documentKind, nationality, submittedAt } = parsed.data;
  await tx.query(
    `INSERT INTO visa_statistics (mission_id, application_id, document_kind, nationality, requested_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (mission_id, application_id) DO NOTHING`,
    [missionId, event.entityId, documentKind, nationality, submittedAt, now],
  );
}

async function applyDecided(tx: Queryable, missionId: string, event: MissionEvent, now: Date) {
  const parsed = visaDecidedDataSchema.safeParse(event.data);
  if (!parsed.success) return;
  const data = parsed.data;
  // One statement per event, in order: a batch may hold the request and the decision of one
  // application, which one INSERT … ON CONFLICT DO UPDATE cannot apply to the same row.
  await tx.query(
    `INSERT INTO visa_statistics (mission_id, application_id, document_kind, nationality, requested_at,
       decided_at, outcome, visa_type, processing_hours, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (mission_id, application_id) DO UPDATE SET
       document_kind = EXCLUDED.document_kind, nationality = EXCLUDED.nationality,
       requested_at = EXCLUDED.requested_at, decided_at = EXCLUDED.decided_at,
       outcome = EXCLUDED.outcome, visa_type = EXCLUDED.visa_type,
       processing_hours = EXCLUDED.processing_hours, updated_at = EXCLUDED.updated_at
     WHERE visa_statistics.decided_at IS NULL OR visa_statistics.decided_at <= EXCLUDED.decided_at`,
    [
      missionId,
      event.entityId,
      data.documentKind,
      data.nationality,
      data.submittedAt,
      data.decidedAt,
      data.outcome,
      data.visaType,
      data.processingHours,
      now,
    ],
  );
}
