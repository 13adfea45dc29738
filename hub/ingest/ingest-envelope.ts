import {
  CHANNEL_RESYNC,
  decide,
  decodeHeader,
  type Header,
  type OpenContext,
  type OpenedMessage,
  open,
  RESEND_REQUEST,
  Refusal,
  type RefusalReason,
} from '../../protocol/index.js';
import type { Database, Queryable } from '../db/database.js';
import {
  advanceChannel,
  type ChannelRow,
  lockChannel,
  lockIngestLease,
  positionReply,
  receiveStateOf,
  recordGap,
  stampedReply,
} from './channel-row.js';
import { type Handler, type HandlerResult, ingestHandlers } from './handlers/index.js';
import type { IngestContext, IngestOutcome } from './ingest-types.js';
import { recordContact } from './mission-contact.js';
import { countRefusal } from './refusals.js';

/**
 * Takes one envelope from a mission: opens it against the channel state read, and locked, inside
 * the transaction, then applies it and advances the channel in that same transaction, so a crash
 * at any point leaves it either wholly applied or not at all. Never throws on bad input: refusals
 * are counted and returned; it throws only when the database fails (the caller retries later).
 * With `lease`, it throws IngestLeaseLost, applying nothing, once this process no longer holds the
 * ingest lease of the mission whose topic the envelope came on.
 */
export async function ingestEnvelope(
  db: Database,
  bytes: Uint8Array,
  ctx: IngestContext,
  lease?: { readonly holder: string },
): Promise<IngestOutcome> {
  const decoded = decodeHeader(bytes);
  // The header is untrusted here: it only picks which row to lock. open() judges it.
  const claimed = decoded.ok ? decoded.header : undefined;
  return db.transaction(async (tx) => {
    if (lease && ctx.arrivedOn !== undefined) await lockIngestLease(tx, ctx.arrivedOn, lease.holder);
    const isKnown = claimed !== undefined && ctx.trust.lookup(claimed.from, claimed.keyId) !== undefined;
    const channel = claimed ? await lockChannel(tx, claimed, isKnown) : undefined;
    const opened = open(bytes, { ...openOptions(ctx), receiveState: receiveStateOf(channel) });
    if (!opened.ok) return refusedOrDuplicate(tx, opened, claimed, channel, ctx);
    if (!channel) {
      return refuseAndCount(tx, Refusal.UnknownSender, 'enrolled key but no mission row', claimed, ctx);
    }
    if (ctx.arrivedOn !== undefined && ctx.arrivedOn !== channel.missionId) {
      const detail = `from ${channel.missionId}, published on the topic of ${ctx.arrivedOn}`;
      return refuseAndCount(tx, Refusal.UnknownSender, detail, claimed, ctx);
    }
    return applyOpened(tx, opened.value, channel, ctx);
  });
}

function openOptions(ctx: IngestContext): OpenContext {
  const { self, trust, now, maxFutureSkewMs, maxEnvelopeBytes, maxBodyBytes } = ctx;
  return { self, trust, now, maxFutureSkewMs, maxEnvelopeBytes, maxBodyBytes };
}

async function applyOpened(
  tx: Queryable,
  message: OpenedMessage,
  channel: ChannelRow,
  ctx: IngestContext,
): Promise<IngestOutcome> {
  const { header } = message;
  const missionId = channel.missionId;
  const decision = decide(header, channel.appliedUpTo);
  if (decision.action === 'resend') {
    await recordGap(tx, missionId, header.seq);
    return {
      status: 'gap',
      missionId,
      seq: header.seq,
      reply: await stampedReply(tx, missionId, ctx.now, {
        type: RESEND_REQUEST,
        body: { from: decision.from },
      }),
    };
  }
  const handler = ingestHandlers[message.type] as Handler<typeof message.type> | undefined;
  const sealer = ctx.trust.lookup(header.from, header.keyId)?.identity;
  if (!handler || !sealer)
    return refuseAndCount(tx, Refusal.Malformed, `${message.type} is not sent to the hub`, header, ctx);
  const now = new Date(ctx.now);
  const mission = ctx.keyInForce ? ctx.keyInForce(missionId) : sealer;
  const parties = mission ? { hub: ctx.self, mission } : undefined;
  const context = {
    missionId,
    now,
    seq: header.seq,
    sealedAt: header.timestamp,
    ...(parties ? { parties } : {}),
    ...(ctx.offsite ? { offsite: ctx.offsite } : {}),
  };
  // The table pairs each type with its handler; TypeScript cannot correlate the two unions.
  const result = await (handler as Handler<never>)(tx, message.body as never, context);
  await advanceChannel(tx, missionId, decision, now, header.timestamp);
  await recordContact(tx, missionId, message, now);
  if (decision.action === 'control') return controlOutcome(tx, missionId, message, result, ctx.now);
  return {
    status: 'applied',
    missionId,
    messageType: message.type,
    seq: header.seq,
    reply: await positionReply(tx, channel, decision.advanceTo, ctx.now),
    resend: result?.resend ?? [],
  };
}

async function controlOutcome(
  tx: Queryable,
  missionId: string,
  message: OpenedMessage,
  result: HandlerResult | undefined,
  now: number,
): Promise<IngestOutcome> {
  const reply = result?.reply ? await stampedReply(tx, missionId, now, result.reply) : undefined;
  return {
    status: 'control',
    missionId,
    messageType: message.type,
    resend: result?.resend ?? [],
    ...(reply ? { reply } : {}),
  };
}

async function refusedOrDuplicate(
  tx: Queryable,
  refusal: { reason: RefusalReason; detail: string },
  claimed: Header | undefined,
  channel: ChannelRow | undefined,
  ctx: IngestContext,
): Promise<IngestOutcome> {
  if (refusal.reason !== Refusal.Duplicate || !claimed || !channel) {
    return refuseAndCount(tx, refusal.reason, refusal.detail, claimed, ctx);
  }
  // open() reports a duplicate only once the header MAC proved the sender: safe to answer.
  if (claimed.seq === 0) return { status: 'duplicate', missionId: channel.missionId };
  if (channel.resyncFrom !== null && claimed.seq < channel.resyncFrom) {
    // Numbered before the mission took the resync: never acknowledge it (PROTOCOL.md).
    const resync = { type: CHANNEL_RESYNC, body: { upFrom: channel.resyncFrom, recovered: 0 } } as const;
    return {
      status: 'duplicate',
      missionId: channel.missionId,
      reply: await stampedReply(tx, channel.missionId, ctx.now, resync),
    };
  }
  return {
    status: 'duplicate',
    missionId: channel.missionId,
    reply: await positionReply(tx, channel, channel.appliedUpTo, ctx.now),
  };
}

async function refuseAndCount(
  tx: Queryable,
  reason: RefusalReason,
  detail: string,
  claimed: Header | undefined,
  ctx: IngestContext,
): Promise<IngestOutcome> {
  await countRefusal(tx, reason, detail, claimed?.from, new Date(ctx.now));
  return { status: 'refused', reason, detail, ...(claimed ? { claimedSender: claimed.from } : {}) };
}
