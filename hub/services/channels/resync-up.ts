import { CHANNEL_RESYNC, EVENTS_RECOVERED, type Hello, type MissionEvent } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import type { ControlMessage } from '../../ingest/ingest-types.js';
import { sealAndHold } from '../outbound.js';
import { type ChannelContext, type ChannelPositions, recordResync } from './channel-positions.js';

/**
 * How far past every sequence in sight an up channel starts again: more than any send window, so
 * that no envelope the mission sealed before it went back, still on the broker, can reach the new
 * numbering (PROTOCOL.md, "Going back in time").
 */
export const RESYNC_MARGIN = 1000;

/** Events per `events.recovered` envelope: well inside the envelope size limit. */
export const RECOVERED_PER_ENVELOPE = 2000;

/** What the hub answers once the resync is committed, and how many events it returns. */
export interface ResyncOutcome {
  readonly reply: ControlMessage;
  readonly recovered: number;
}

/**
 * True when the mission's hello shows that it lost messages it had sent (a restore, a snapshot):
 * the hub applied more than the mission remembers sealing, and the hello is newer than the envelope
 * applied last. Hub workers sharing the ingest can take the envelopes a mission sealed right after
 * its hello before the hello itself; such a hello is older than what they applied (a mission seals
 * no envelope with a timestamp below its last control message's: node/link/sender.ts) and says
 * nothing of going back.
 */
export function sentBehind(hello: Hello, positions: ChannelPositions, helloSealedAt = Infinity): boolean {
  if (positions.resyncFrom !== null) return false;
  if (hello.restored) return true;
  if (helloSealedAt <= positions.appliedSealedAt) return false;
  return hello.sentUpTo !== undefined && hello.sentUpTo < positions.appliedUpTo;
}

/** While a resync is under way and the mission has not taken it yet, the same answer again. */
export function pendingResync(hello: Hello, positions: ChannelPositions): ControlMessage | undefined {
  const from = positions.resyncFrom;
  if (from === null || (hello.sentUpTo !== undefined && hello.sentUpTo >= from - 1)) return undefined;
  return { type: CHANNEL_RESYNC, body: { upFrom: from, recovered: 0 } };
}

/**
 * Moves the up channel past everything in sight and returns to the mission the events it lost:
 * those that came in envelopes after the last sequence it still remembers sealing. In the
 * transaction that took the hello, under the channel's lock.
 */
export async function resyncUp(
  tx: Queryable,
  context: ChannelContext,
  hello: Hello,
  positions: ChannelPositions,
): Promise<ResyncOutcome> {
  const { missionId, now, parties } = context;
  const remembered = hello.sentUpTo ?? positions.appliedUpTo;
  const upFrom = Math.max(positions.appliedUpTo, positions.gapSeenUpTo, remembered) + 1 + RESYNC_MARGIN;
  await tx.query(
    'UPDATE channels SET applied_up_to = $2, gap_seen_up_to = 0, resync_from = $3 WHERE mission_id = $1',
    [missionId, upFrom - 1, upFrom],
  );
  // Sealed and held on the down channel: the caller sends what is held after the mission's position.
  const lost = parties ? await eventsAfter(tx, missionId, remembered) : [];
  for (let start = 0; start < lost.length; start += RECOVERED_PER_ENVELOPE) {
    const events = lost.slice(start, start + RECOVERED_PER_ENVELOPE);
    const { hub, mission } = parties as NonNullable<typeof parties>;
    await sealAndHold(tx, hub, mission, EVENTS_RECOVERED, { events }, now.getTime());
  }
  await recordResync(tx, missionId, now, {
    kind: 'node_behind',
    missionPosition: remembered,
    hubPosition: positions.appliedUpTo,
    restartedAt: upFrom,
    recovered: lost.length,
  });
  return {
    reply: { type: CHANNEL_RESYNC, body: { upFrom, recovered: lost.length } },
    recovered: lost.length,
  };
}

/** The events the mission sent in envelopes after `seq`, in the order they came. */
async function eventsAfter(tx: Queryable, missionId: string, seq: number): Promise<MissionEvent[]> {
  const rows = await tx.query<{
    id: string;
    kind: string;
    entity: string;
    entityId: string;
    at: Date | string;
    data: Record<string, unknown>;
  }>(
    `SELECT event_id AS id, kind, entity, entity_id AS "entityId", at, data FROM mission_events
      WHERE mission_id = $1 AND channel_seq > $2 ORDER BY channel_seq, at, event_id`,
    [missionId, seq],
  );
  return rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() }));
}
