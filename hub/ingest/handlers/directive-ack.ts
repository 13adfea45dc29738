import type { DIRECTIVE_ACK } from '../../../protocol/index.js';
import type { Handler } from './handler.js';

/**
 * directive.ack → the head of mission's acknowledgement. An acknowledgement implies receipt, so a
 * lost receipt does not leave the directive showing as never received.
 */
export const handleDirectiveAck: Handler<typeof DIRECTIVE_ACK> = async (tx, body, { missionId }) => {
  await tx.query(
    `INSERT INTO directive_status
       (directive_id, mission_id, received_at, acknowledged_at, acknowledged_by, ack_comment)
     SELECT id, $2::text, $3::timestamptz, $3::timestamptz, $4::text, $5::text
       FROM directives WHERE id = $1::uuid
     ON CONFLICT (directive_id, mission_id) DO UPDATE SET
       received_at = COALESCE(directive_status.received_at, EXCLUDED.received_at),
       acknowledged_at = COALESCE(directive_status.acknowledged_at, EXCLUDED.acknowledged_at),
       acknowledged_by = COALESCE(directive_status.acknowledged_by, EXCLUDED.acknowledged_by),
       ack_comment = COALESCE(directive_status.ack_comment, EXCLUDED.ack_comment)`,
    [body.directiveId, missionId, body.acknowledgedAt, body.acknowledgedBy, body.comment ?? null],
  );
  return undefined;
};
