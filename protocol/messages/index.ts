import type { z } from 'zod';
import { CATALOGUE_UPDATE, catalogueUpdateSchema } from './catalogue.js';
import {
  ACK,
  ackSchema,
  CHANNEL_RESYNC,
  channelResyncSchema,
  HELLO,
  helloSchema,
  RESEND_REQUEST,
  resendRequestSchema,
} from './control.js';
import {
  DIRECTIVE,
  DIRECTIVE_ACK,
  DIRECTIVE_RECEIPT,
  directiveAckSchema,
  directiveReceiptSchema,
  directiveSchema,
} from './directives.js';
import {
  AUDIT_CHECKPOINT,
  auditCheckpointSchema,
  EVENTS_BATCH,
  EVENTS_RECOVERED,
  eventsBatchSchema,
  eventsRecoveredSchema,
  STATS_SNAPSHOT,
  statsSnapshotSchema,
} from './events.js';
import {
  OFFSITE_MANIFEST,
  OFFSITE_POLICY,
  OFFSITE_STATUS,
  offsiteManifestSchema,
  offsitePolicySchema,
  offsiteStatusSchema,
} from './offsite.js';
import {
  REGISTRY_RESULT,
  REGISTRY_SUBMISSION,
  registryResultSchema,
  registrySubmissionSchema,
} from './registry.js';
import {
  CERTIFICATE_RENEWAL,
  certificateRenewalSchema,
  KEY_ROTATION,
  keyRotationMessageSchema,
  REVOCATION_LIST,
  revocationListMessageSchema,
} from './trust.js';

export * from './catalogue.js';
export * from './control.js';
export * from './directives.js';
export * from './event-kinds.js';
export * from './events.js';
export * from './field-schemas.js';
export * from './offsite.js';
export * from './registry.js';
export * from './roll-calls.js';
export * from './trust.js';
export * from './visas.js';

/** The schema of every message body, by type. The wire contract is this table. */
export const messageSchemas = {
  [HELLO]: helloSchema,
  [ACK]: ackSchema,
  [RESEND_REQUEST]: resendRequestSchema,
  [CHANNEL_RESYNC]: channelResyncSchema,
  [EVENTS_BATCH]: eventsBatchSchema,
  [EVENTS_RECOVERED]: eventsRecoveredSchema,
  [STATS_SNAPSHOT]: statsSnapshotSchema,
  [AUDIT_CHECKPOINT]: auditCheckpointSchema,
  [DIRECTIVE]: directiveSchema,
  [DIRECTIVE_RECEIPT]: directiveReceiptSchema,
  [DIRECTIVE_ACK]: directiveAckSchema,
  [CATALOGUE_UPDATE]: catalogueUpdateSchema,
  [REGISTRY_SUBMISSION]: registrySubmissionSchema,
  [REGISTRY_RESULT]: registryResultSchema,
  [REVOCATION_LIST]: revocationListMessageSchema,
  [CERTIFICATE_RENEWAL]: certificateRenewalSchema,
  [KEY_ROTATION]: keyRotationMessageSchema,
  [OFFSITE_POLICY]: offsitePolicySchema,
  [OFFSITE_MANIFEST]: offsiteManifestSchema,
  [OFFSITE_STATUS]: offsiteStatusSchema,
} as const;

/** A message type name. */
export type MessageType = keyof typeof messageSchemas;
/** The body type of a message type. */
export type MessageBody<T extends MessageType> = z.infer<(typeof messageSchemas)[T]>;
/** A decoded message: its type and its body, as a union callers can switch on. */
export type AnyMessage = { [T in MessageType]: { type: T; body: MessageBody<T> } }[MessageType];

/**
 * Control messages carry sequence 0: they are not queued, not acknowledged and not resent. They are
 * idempotent, and a receiver drops one not newer than the last it took (see channel.ts).
 */
export const controlMessageTypes: ReadonlySet<MessageType> = new Set([
  HELLO,
  ACK,
  RESEND_REQUEST,
  CHANNEL_RESYNC,
]);

/** Which way each message type travels. */
export const messageDirections: Record<MessageType, 'up' | 'down' | 'both'> = {
  [HELLO]: 'both',
  [ACK]: 'both',
  [RESEND_REQUEST]: 'both',
  [CHANNEL_RESYNC]: 'down',
  [EVENTS_BATCH]: 'up',
  [EVENTS_RECOVERED]: 'down',
  [STATS_SNAPSHOT]: 'up',
  [AUDIT_CHECKPOINT]: 'up',
  [DIRECTIVE]: 'down',
  [DIRECTIVE_RECEIPT]: 'up',
  [DIRECTIVE_ACK]: 'up',
  [CATALOGUE_UPDATE]: 'down',
  [REGISTRY_SUBMISSION]: 'up',
  [REGISTRY_RESULT]: 'down',
  [REVOCATION_LIST]: 'down',
  [CERTIFICATE_RENEWAL]: 'down',
  [KEY_ROTATION]: 'up',
  [OFFSITE_POLICY]: 'down',
  [OFFSITE_MANIFEST]: 'up',
  [OFFSITE_STATUS]: 'down',
};

/** True when the text names a known message type. */
export function isMessageType(type: string): type is MessageType {
  return Object.hasOwn(messageSchemas, type);
}
