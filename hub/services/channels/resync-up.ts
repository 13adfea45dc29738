import {
  CHANNEL_RESYNC,
  EVENTS_RECOVERED,
  type EventsRecovered,
  type Hello,
  MAX_RECORD_COPIES_CHARS,
  type MissionEvent,
} from '../../../protocol/index.js';
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
/** Base64 of record copies per `events.recovered` envelope: 2 MiB of copies at most. */
export const RECOVERED_COPY_CHARS = MAX_RECORD_COPIES_CHARS * 2;

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
  const lost = parties ? await batchesAfter(tx, missionId, remembered) : [];
  for (const body of recoveredEnvelopes(lost)) {
    const { hub, mission } = parties as NonNullable<typeof parties>;
    await sealAndHold(tx, hub, mission, EVENTS_RECOVERED, body, now.getTime());
  }
  const recovered = lost.reduce((sum, batch) => sum + batch.events.length, 0);
  await recordResync(tx, missionId, now, {
    kind: 'node_behind',
    missionPosition: remembered,
    hubPosition: positions.appliedUpTo,
    restartedAt: upFrom,
    recovered,
  });
  return { reply: { type: CHANNEL_RESYNC, body: { upFrom, recovered } }, recovered };
}

/** The events of one envelope the mission sent, with its sealed record copies when it had them. */
interface SentBatch {
  readonly events: MissionEvent[];
  readonly records?: string;
}

/**
 * Groups whole batches into `events.recovered` bodies: a batch's events stay with its record copies,
 * and an envelope closes once it holds {@link RECOVERED_PER_ENVELOPE} events or
 * {@link RECOVERED_COPY_CHARS} of copies (well inside the envelope's 4 MiB).
 */
export function recoveredEnvelopes(batches: readonly SentBatch[]): EventsRecovered[] {
  const bodies: EventsRecovered[] = [];
  let events: MissionEvent[] = [];
  let records: string[] = [];
  let chars = 0;
  const close = () => {
    if (events.length > 0) bodies.push(records.length > 0 ? { events, records } : { events });
    events = [];
    records = [];
    chars = 0;
  };
  for (const batch of batches) {
    const size = batch.records?.length ?? 0;
    if (events.length + batch.events.length > RECOVERED_PER_ENVELOPE || chars + size > RECOVERED_COPY_CHARS)
      close();
    events.push(...batch.events);
    if (batch.records !== undefined) records.push(batch.records);
    chars += size;
  }
  close();
  return bodies;
}

/** The envelopes the mission sent after `seq`, in the order they came: their events and copies. */
async function batchesAfter(tx: Queryable, missionId: string, seq: number): Promise<SentBatch[]> {
  const rows = await tx.query<{
    id: string;
    kind: string;
    entity: string;
    entityId: string;
    at: Date | string;
    data: Record<string, unknown>;
    channelSeq: number | string;
  }>(
    `SELECT event_id AS id, kind, entity, entity_id AS "entityId", at, data, channel_seq AS "channelSeq"
       FROM mission_events
      WHERE mission_id = $1 AND channel_seq > $2 ORDER BY channel_seq, at, event_id`,
    [missionId, seq],
  );
  const copies = await tx.query<{ channelSeq: number | string; sealed: string }>(
    `SELECT channel_seq AS "channelSeq", sealed FROM mission_record_copies
      WHERE mission_id = $1 AND channel_seq > $2`,
    [missionId, seq],
  );
  const sealedBySeq = new Map(copies.map((copy) => [Number(copy.channelSeq), copy.sealed]));
  const batches = new Map<number, MissionEvent[]>();
  for (const { channelSeq, ...event } of rows) {
    const key = Number(channelSeq);
    const events = batches.get(key) ?? [];
    events.push({ ...event, at: new Date(event.at).toISOString() });
    batches.set(key, events);
  }
  return [...batches].map(([channelSeq, events]) => {
    const records = sealedBySeq.get(channelSeq);
    return records === undefined ? { events } : { events, records };
  });
}
