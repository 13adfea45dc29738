import { CHANNEL_RESYNC, type HELLO, RESEND_REQUEST } from '../../../protocol/index.js';
import { channelPositions, recordResync } from '../../services/channels/channel-positions.js';
import {
  keepsFrom,
  reissueCurrentState,
  resendNewerCertificate,
} from '../../services/channels/reissue-state.js';
import { jumpDownChannel, sentBehindMission } from '../../services/channels/repair-down.js';
import { pendingResync, resyncUp, sentBehind } from '../../services/channels/resync-up.js';
import { acknowledgeOutbound, keptFrom, resealToKeyInForce } from '../../services/outbound.js';
import type { ControlMessage } from '../ingest-types.js';
import type { Handler } from './handler.js';

/**
 * hello → the mission's versions, and both channels checked against what the mission says of them
 * (PROTOCOL.md, "Going back in time"). Its `receivedUpTo` acknowledges what the mission holds, and
 * whatever it lacks is sent again at once, acknowledged before or not: a mission restored from a
 * backup asks again for what it had applied once. Its backlog is not recorded: it counts events the
 * hub may hold already (applied, the ack lost); the mission's backlog and presence come from every
 * message taken (ingest/mission-contact.ts).
 */
export const handleHello: Handler<typeof HELLO> = async (tx, body, context) => {
  const { missionId, now } = context;
  await tx.query(`UPDATE missions SET software_version = $2, protocol_version = $3 WHERE id = $1`, [
    missionId,
    body.softwareVersion,
    body.protocolVersion,
  ]);
  await tx.query('UPDATE channels SET last_hello_at = $2 WHERE mission_id = $1', [missionId, now]);
  const positions = await channelPositions(tx, missionId);

  // Down channel first: the hub lost what it had sealed (it numbers again from the mission's
  // position), or the mission lost what it had applied (it gets it again below, or the state in
  // force when the hub no longer keeps what it lost).
  let downFrom: number | undefined;
  if (await sentBehindMission(tx, missionId, body, positions)) {
    await jumpDownChannel(tx, context, body.receivedUpTo, positions);
  } else if (body.receivedUpTo < positions.ackedUpTo) {
    let recovered = positions.ackedUpTo - body.receivedUpTo;
    if (context.parties && !(await keepsFrom(tx, missionId, body.receivedUpTo + 1))) {
      const reissued = await reissueCurrentState(tx, { missionId, now, parties: context.parties });
      downFrom = reissued.downFrom;
      recovered = reissued.sealed;
    }
    await recordResync(tx, missionId, now, {
      kind: 'node_behind_applied',
      missionPosition: body.receivedUpTo,
      hubPosition: positions.ackedUpTo,
      ...(downFrom === undefined ? {} : { restartedAt: downFrom }),
      recovered,
    });
  }

  // Up channel: the mission lost what it had sent (resync, and its lost events sealed on the down
  // channel), or the hub lost what it had applied (the mission sends its kept envelopes again).
  let reply: ControlMessage | undefined = pendingResync(body, positions);
  if (sentBehind(body, positions, context.sealedAt)) {
    reply = (await resyncUp(tx, context, body, positions)).reply;
  } else if (!reply && body.ackedUpTo !== undefined && body.ackedUpTo > positions.appliedUpTo) {
    await recordResync(tx, missionId, now, {
      kind: 'hub_behind_applied',
      missionPosition: body.ackedUpTo,
      hubPosition: positions.appliedUpTo,
      recovered: 0,
    });
    reply = { type: RESEND_REQUEST, body: { from: positions.appliedUpTo + 1 } };
  }

  if (downFrom !== undefined) {
    const up = reply?.type === CHANNEL_RESYNC ? reply.body : { recovered: 0 };
    reply = { type: CHANNEL_RESYNC, body: { ...up, downFrom } };
  }

  if (context.parties) {
    const { hub, mission } = context.parties;
    // What the mission asks again may have been sealed to a key it no longer holds (its database
    // restored from before a rotation), and the certificate it holds be older than the one in force.
    await resealToKeyInForce(tx, hub, mission, body.receivedUpTo + 1, now.getTime());
    if (body.certificateSerial !== undefined)
      await resendNewerCertificate(tx, { ...context, parties: context.parties }, body.certificateSerial);
  }

  await acknowledgeOutbound(tx, missionId, body.receivedUpTo, now);
  // Everything after the mission's position, kept or just sealed (recovered events), in order.
  const resend = await keptFrom(tx, missionId, body.receivedUpTo + 1);
  return { resend, ...(reply ? { reply } : {}) };
};
