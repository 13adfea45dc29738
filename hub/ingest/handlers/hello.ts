import type { HELLO } from '../../../protocol/index.js';
import { acknowledgeOutbound, unacknowledgedFrom } from '../../services/outbound.js';
import type { Handler } from './handler.js';

/**
 * hello → the mission's status (version, backlog). Its `receivedUpTo` acknowledges what the mission
 * already holds, and whatever it lacks is sent again at once, without waiting for a gap.
 */
export const handleHello: Handler<typeof HELLO> = async (tx, body, { missionId, now }) => {
  await tx.query(
    `UPDATE missions SET online = true, software_version = $2, protocol_version = $3,
       backlog_events = $4, backlog_oldest_at = $5 WHERE id = $1`,
    [
      missionId,
      body.softwareVersion,
      body.protocolVersion,
      body.backlog.events,
      body.backlog.oldestAt ?? null,
    ],
  );
  await acknowledgeOutbound(tx, missionId, body.receivedUpTo, now);
  return { resend: await unacknowledgedFrom(tx, missionId, body.receivedUpTo + 1) };
};
