import {
  ACK,
  AUDIT_CHECKPOINT,
  DIRECTIVE_ACK,
  DIRECTIVE_RECEIPT,
  EVENTS_BATCH,
  HELLO,
  KEY_ROTATION,
  OFFSITE_MANIFEST,
  REGISTRY_SUBMISSION,
  RESEND_REQUEST,
  STATS_SNAPSHOT,
} from '../../../protocol/index.js';
import { handleAck } from './ack.js';
import { handleAuditCheckpoint } from './audit-checkpoint.js';
import { handleDirectiveAck } from './directive-ack.js';
import { handleDirectiveReceipt } from './directive-receipt.js';
import { handleEventsBatch } from './events-batch.js';
import type { HandlerTable } from './handler.js';
import { handleHello } from './hello.js';
import { handleKeyRotation } from './key-rotation.js';
import { handleOffsiteManifest } from './offsite-manifest.js';
import { handleRegistrySubmission } from './registry-submission.js';
import { handleResendRequest } from './resend-request.js';
import { handleStatsSnapshot } from './stats-snapshot.js';

export type { Handler, HandlerContext, HandlerResult, HandlerTable } from './handler.js';

/** One handler per type a mission sends; a type with none here travels hub → mission only. */
export const ingestHandlers: HandlerTable = {
  [HELLO]: handleHello,
  [ACK]: handleAck,
  [RESEND_REQUEST]: handleResendRequest,
  [EVENTS_BATCH]: handleEventsBatch,
  [STATS_SNAPSHOT]: handleStatsSnapshot,
  [AUDIT_CHECKPOINT]: handleAuditCheckpoint,
  [DIRECTIVE_RECEIPT]: handleDirectiveReceipt,
  [DIRECTIVE_ACK]: handleDirectiveAck,
  [REGISTRY_SUBMISSION]: handleRegistrySubmission,
  [KEY_ROTATION]: handleKeyRotation,
  [OFFSITE_MANIFEST]: handleOffsiteManifest,
};
