import { z } from 'zod';
import { backlogReportSchema, instantSchema, recordIdSchema } from './field-schemas.js';

/** Bound of one batch's sealed record copies in base64: 1 MiB of bytes, inside an envelope's 4 MiB. */
export const MAX_RECORD_COPIES_CHARS = Math.ceil((1024 * 1024) / 3) * 4;

/**
 * One domain event of a mission, as written to its outbox in the same transaction as the change.
 * `kind` names what happened (`appointment.booked`, `file.transitioned`, …); `data` is the new state
 * the hub needs for its replicas. Personal data travels only inside the encrypted envelope.
 * A plain (not strict) object: a receiver ignores fields a newer sender adds (tolerant reader),
 * and strict key checks cost more than the cryptography on a large batch.
 */
export const eventSchema = z.object({
  id: z.uuid(),
  kind: z.string().regex(/^[a-z_]+(\.[a-z_]+)+$/, 'an event kind is like appointment.booked'),
  entity: z.string().regex(/^[a-z_]{1,40}$/),
  entityId: recordIdSchema,
  at: instantSchema,
  data: z.custom<Record<string, unknown>>(isPlainObject, 'data must be a JSON object'),
});
/** True for a non-null, non-array object: what JSON.parse gives for `{…}`. */
function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type MissionEvent = z.infer<typeof eventSchema>;

/** events.batch — many events in one envelope: the X25519 and Ed25519 costs are paid once per batch. */
export const EVENTS_BATCH = 'events.batch';

/**
 * The mission's own copy of the records a batch's events changed, sealed with a key only the mission
 * holds (a subkey of its data key): the hub keeps it as it came, cannot read it, and returns it in
 * `events.recovered` to a mission restored from an older backup, which puts the records back
 * (PROTOCOL.md, "Going back in time"). Base64 of an opaque blob; its format is the mission's.
 */
export const recordCopiesSchema = z.base64().max(MAX_RECORD_COPIES_CHARS);
export const eventsBatchSchema = z.strictObject({
  events: z.array(eventSchema).min(1).max(5000),
  /** What the mission has left to send once this is applied (PROTOCOL.md, "The hub's view of a mission"). */
  backlog: backlogReportSchema.optional(),
  records: recordCopiesSchema.optional(),
});
export type EventsBatch = z.infer<typeof eventsBatchSchema>;

/**
 * events.recovered — hub to node after a resync: events the hub replicated from the mission that the
 * mission no longer holds (written after the backup it was restored from), with the mission's sealed
 * copies of the records they changed, so that it puts them back and shows its staff what came back.
 */
export const EVENTS_RECOVERED = 'events.recovered';
export const eventsRecoveredSchema = z.strictObject({
  events: z.array(eventSchema).min(1).max(5000),
  /** The record copies of the batches these events came in, in the order they came. */
  records: z.array(recordCopiesSchema).max(5000).optional(),
});
export type EventsRecovered = z.infer<typeof eventsRecoveredSchema>;

/** stats.snapshot — the mission's own counters, on a schedule, for the hub's status page. */
export const STATS_SNAPSHOT = 'stats.snapshot';
export const statsSnapshotSchema = z.strictObject({
  at: instantSchema,
  counters: z.record(z.string().regex(/^[a-z_.]{1,60}$/), z.number().finite()),
  /** What the mission has left to send once this is applied (PROTOCOL.md, "The hub's view of a mission"). */
  backlog: backlogReportSchema.optional(),
});
export type StatsSnapshot = z.infer<typeof statsSnapshotSchema>;

/** audit.checkpoint — the head of the mission's hash-chained audit log, so tampering shows at HQ. */
export const AUDIT_CHECKPOINT = 'audit.checkpoint';

/**
 * Most entry digests one audit.checkpoint carries: about 330 KB of JSON, well inside an envelope's
 * bound; a mission with more entries to report sends several checkpoints, each from the last.
 */
export const MAX_AUDIT_DIGESTS = 5000;

const auditHashSchema = z.string().regex(/^[0-9a-f]{64}$/);

/** A head of the audit chain: its length and the hash of its last entry (all zeros when empty). */
export const auditHeadSchema = z.strictObject({
  length: z.int().min(0),
  headHash: auditHashSchema,
});
export type AuditHeadReport = z.infer<typeof auditHeadSchema>;

export const auditCheckpointSchema = z
  .strictObject({
    at: instantSchema,
    /** Number of entries in the chain, i.e. the index of the head plus one. */
    length: z.int().min(0),
    /** Hex BLAKE2b-256 of the head entry; all zeros for an empty chain. */
    headHash: auditHashSchema,
    /**
     * The head this one extends: the mission's previous checkpoint. With `digests`, or neither (an
     * older node, or entries of the first hash version in the range: PROTOCOL.md, "The audit log
     * anchored at HQ").
     */
    since: auditHeadSchema.optional(),
    /** The digests of entries `since.length + 1` … `length`, in order (protocol/audit-chain.ts). */
    digests: z.array(auditHashSchema).max(MAX_AUDIT_DIGESTS).optional(),
    /** What the mission has left to send once this is applied (PROTOCOL.md, "The hub's view of a mission"). */
    backlog: backlogReportSchema.optional(),
  })
  .refine(
    (body) =>
      body.since === undefined
        ? body.digests === undefined
        : body.digests !== undefined && body.digests.length === body.length - body.since.length,
    { message: 'since and digests come together, one digest per entry after since', path: ['digests'] },
  );
export type AuditCheckpoint = z.infer<typeof auditCheckpointSchema>;
