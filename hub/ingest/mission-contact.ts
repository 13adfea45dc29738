import type { BacklogReport, OpenedMessage } from '../../protocol/index.js';
import type { Queryable } from '../db/database.js';

/**
 * Records, in the transaction that took a message from a mission, what that message says of the
 * mission's link: the hub heard it now (its clock), the mission sealed it at the header's
 * timestamp, and a sequenced message's `backlog` is what the mission had left to send once it is
 * applied. Messages are applied in channel order, so the newest applied report replaces the last.
 * Control messages (hello, ack, resend.request) carry no such report: a hello's backlog counts
 * events the hub may already hold but not yet have acknowledged, and would show them as waiting.
 *
 * Presence follows the rule of PROTOCOL.md: a message newer than the last presence means online.
 */
export async function recordContact(
  tx: Queryable,
  missionId: string,
  message: OpenedMessage,
  receivedAt: Date,
): Promise<void> {
  // The body passed its schema, where `backlog` is an optional backlogReportSchema.
  const report = message.header.seq > 0 ? (message.body as { backlog?: BacklogReport }).backlog : undefined;
  await tx.query(
    `UPDATE missions SET
       message_received_at = GREATEST(message_received_at, $2::timestamptz),
       message_sent_at = GREATEST(message_sent_at, $3::timestamptz),
       online = CASE WHEN presence_at >= GREATEST(message_received_at, $2::timestamptz)
                     THEN presence_online ELSE true END,
       backlog_events = COALESCE($4::bigint, backlog_events),
       backlog_oldest_at = CASE WHEN $4::bigint IS NULL THEN backlog_oldest_at ELSE $5::timestamptz END,
       synced_at = CASE WHEN $4::bigint = 0 THEN $2::timestamptz ELSE synced_at END
     WHERE id = $1`,
    [
      missionId,
      receivedAt,
      new Date(message.header.timestamp),
      report?.events ?? null,
      report?.oldestAt ?? null,
    ],
  );
}
