import type { DIRECTIVE_RECEIPT } from '../../../protocol/index.js';
import type { Handler } from './handler.js';

/**
 * directive.receipt → when the mission stored the directive. The first receipt wins. A receipt for
 * a directive this hub does not hold is dropped: there is nothing to report it against.
 */
export const handleDirectiveReceipt: Handler<typeof DIRECTIVE_RECEIPT> = async (tx, body, { missionId }) => {
  await tx.query(
    `INSERT INTO directive_status (directive_id, mission_id, received_at)
     SELECT id, $2::text, $3::timestamptz FROM directives WHERE id = $1::uuid
     ON CONFLICT (directive_id, mission_id)
       DO UPDATE SET received_at = COALESCE(directive_status.received_at, EXCLUDED.received_at)`,
    [body.directiveId, missionId, body.receivedAt],
  );
  return undefined;
};
