import { z } from 'zod';
import { backlogReportSchema, instantSchema, recordIdSchema } from './common.js';

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
export const eventsBatchSchema = z.strictObject({
  events: z.array(eventSchema).min(1).max(5000),
  /** What the mission has left to send once this is applied (PROTOCOL.md, "The hub's view of a mission"). */
  backlog: backlogReportSchema.optional(),
});
export type EventsBatch = z.infer<typeof eventsBatchSchema>;

/**
 * events.recovered — hub to node after a resync: events the hub replicated from the mission that the
 * mission no longer holds (written after the backup it was restored from), returned for its staff.
 */
export const EVENTS_RECOVERED = 'events.recovered';
export const eventsRecoveredSchema = z.strictObject({
  events: z.array(eventSchema).min(1).max(5000),
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
export const auditCheckpointSchema = z.strictObject({
  at: instantSchema,
  /** Number of entries in the chain, i.e. the index of the head plus one. */
  length: z.int().min(0),
  /** Hex SHA-256 (or BLAKE2b-256) of the head entry; all zeros for an empty chain. */
  headHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** What the mission has left to send once this is applied (PROTOCOL.md, "The hub's view of a mission"). */
  backlog: backlogReportSchema.optional(),
});
export type AuditCheckpoint = z.infer<typeof auditCheckpointSchema>;
