import type { REGISTRY_SUBMISSION } from '../../../protocol/index.js';
import type { Handler } from './handler.js';

/** registry.submission → the reconciliation queue, pending until a registry officer or a rule decides. */
export const handleRegistrySubmission: Handler<typeof REGISTRY_SUBMISSION> = async (
  tx,
  body,
  { missionId },
) => {
  await tx.query(
    `INSERT INTO registry_submissions
       (submission_id, mission_id, kind, record_id, person, event_date, event_place, submitted_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)
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
    ],
  );
  return undefined;
};
