import type { REGISTRY_SUBMISSION } from '../../../protocol/index.js';
import type { Handler } from './handler.js';

/**
 * registry.submission → the reconciliation queue, pending until a registry officer or a rule decides.
 * Received at the ingest's own time (not the database's `now()`, which PGlite reads to the
 * millisecond): submissions are reconciled in arrival order, and the second of two registrations
 * of one person is the one found a match.
 */
export const handleRegistrySubmission: Handler<typeof REGISTRY_SUBMISSION> = async (
  tx,
  body,
  { missionId, now },
) => {
  await tx.query(
    `INSERT INTO registry_submissions
       (submission_id, mission_id, kind, record_id, person, event_date, event_place, submitted_at, received_at,
        identity_check)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10::jsonb)
     ON CONFLICT (submission_id) DO NOTHING`,
    [
      body.submissionId,
      missionId,
      body.kind,
      body.recordId,
      JSON.stringify(body.person),
      body.eventDate ?? null,
      body.eventPlace ?? null,
      body.submittedAt,
      now,
      // An older node sends no check: kept as null, which the rules read as unchecked.
      body.identityCheck ? JSON.stringify(body.identityCheck) : null,
    ],
  );
  return undefined;
};
