import type { FileState, VisaOutcome } from '../../../protocol/index.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { VisaError, VisaErrorCode } from './errors.js';
import type { VisaContext } from './visa-context.js';
import { writeVisaDecided } from './visa-events.js';
import { sealInfoRequest, selectVisa } from './visa-rows.js';
import {
  type GrantInput,
  grantSchema,
  infoRequestSchema,
  refusalSchema,
  type VisaApplication,
  type VisaState,
} from './visa-schema.js';

// The back office's steps: an agent prepares or asks for more, a consul grants or refuses. Each
// moves the application and its file (whose moves send the applicant's SMS), audited, at once.

/** The application, or `visa_not_found`. */
export function mustGetVisa(ctx: VisaContext, id: string): VisaApplication {
  const application = selectVisa(ctx.store, id);
  if (!application) throw new VisaError(VisaErrorCode.NotFound, `no visa application ${id}`);
  return application;
}

function requireState(application: VisaApplication, allowed: readonly VisaState[], step: string): void {
  if (!allowed.includes(application.state))
    throw new VisaError(VisaErrorCode.WrongState, `cannot ${step} an application ${application.state}`);
}

/**
 * Moves the file to `target`, through in_review when its workflow asks for it (a file goes
 * submitted → in_review → approved, not straight to approved).
 */
export function moveFile(ctx: VisaContext, fileId: string, target: FileState, actor: string): void {
  const file = ctx.files.get(fileId);
  if (!file || file.state === target) return;
  if (file.state !== 'in_review' && target !== 'in_review' && target !== 'ready')
    ctx.files.transition(fileId, { to: 'in_review' }, actor);
  ctx.files.transition(fileId, { to: target }, actor);
}

interface Step {
  readonly action: string;
  readonly to: VisaState;
  readonly set: Record<string, string | number | Uint8Array | null>;
  readonly fileState: FileState;
  /** A consul's decision, reported to the ministry's figures (`visa.decided`). */
  readonly decision?: { outcome: VisaOutcome; visaType: string | null };
}

function applyStep(
  ctx: VisaContext,
  application: VisaApplication,
  step: Step,
  actor: string,
): VisaApplication {
  const at = ctx.now().toISOString();
  const columns = Object.keys(step.set);
  immediateTransaction(ctx.store.db, () => {
    const changed = ctx.store.db
      .prepare(
        `UPDATE visa_applications SET state = ?, updated_at = ?${columns.map((column) => `, ${column} = ?`).join('')}
         WHERE id = ? AND state = ?`,
      )
      .run(step.to, at, ...Object.values(step.set), application.id, application.state);
    if (changed.changes !== 1)
      throw new VisaError(VisaErrorCode.WrongState, 'the application moved meanwhile');
    moveFile(ctx, application.fileId, step.fileState, actor);
    appendAudit(ctx.store.db, {
      actor,
      action: step.action,
      entity: 'visa_application',
      entityId: application.id,
      beforeDigest: digestRecord(ctx.store.keys.audit, { state: application.state }),
      afterDigest: digestRecord(ctx.store.keys.audit, { state: step.to, ...step.set }),
      at,
    });
    if (step.decision) writeVisaDecided(ctx.store, application, { ...step.decision, decidedAt: at });
  });
  return mustGetVisa(ctx, application.id);
}

/** An agent has checked the documents: the application goes to the consul. */
export function prepareApplication(ctx: VisaContext, id: string, actor: string): VisaApplication {
  const application = mustGetVisa(ctx, id);
  requireState(application, ['submitted', 'more_info_requested'], 'prepare');
  const at = ctx.now().toISOString();
  return applyStep(
    ctx,
    application,
    {
      action: 'visa.prepared',
      to: 'prepared',
      set: { prepared_by: actor, prepared_at: at },
      fileState: 'in_review',
    },
    actor,
  );
}

/** An agent asks the applicant for more (a document, a clearer scan); the message is sealed. */
export function requestMoreInfo(
  ctx: VisaContext,
  id: string,
  message: string,
  actor: string,
): VisaApplication {
  const { message: valid } = infoRequestSchema.parse({ message });
  const application = mustGetVisa(ctx, id);
  requireState(application, ['submitted', 'prepared'], 'ask more information for');
  return applyStep(
    ctx,
    application,
    {
      action: 'visa.more_info_requested',
      to: 'more_info_requested',
      set: { info_request_enc: sealInfoRequest(ctx.store, id, valid) },
      fileState: 'awaiting_documents',
    },
    actor,
  );
}

/** The consul grants: visa type, entries, duration of stay, validity. */
export function grantApplication(
  ctx: VisaContext,
  id: string,
  input: GrantInput,
  actor: string,
): VisaApplication {
  const grant = grantSchema.parse(input);
  const application = mustGetVisa(ctx, id);
  requireState(application, ['prepared'], 'grant');
  if (grant.stayDays > 255)
    throw new VisaError(VisaErrorCode.InvalidApplication, 'a stay is at most 255 days', {
      field: 'stayDays',
    });
  return applyStep(
    ctx,
    application,
    {
      action: 'visa.granted',
      to: 'granted',
      set: {
        decided_by: actor,
        decided_at: ctx.now().toISOString(),
        visa_type: grant.visaType,
        entries: grant.entries,
        stay_days: grant.stayDays,
        valid_from: grant.validFrom,
        valid_until: grant.validUntil,
      },
      fileState: 'approved',
      decision: { outcome: 'granted', visaType: grant.visaType },
    },
    actor,
  );
}

/** The consul refuses, with a reason from the list. */
export function refuseApplication(
  ctx: VisaContext,
  id: string,
  reason: string,
  actor: string,
): VisaApplication {
  const refusal = refusalSchema.parse({ reason });
  const application = mustGetVisa(ctx, id);
  requireState(application, ['submitted', 'more_info_requested', 'prepared'], 'refuse');
  return applyStep(
    ctx,
    application,
    {
      action: 'visa.refused',
      to: 'refused',
      set: { decided_by: actor, decided_at: ctx.now().toISOString(), refusal_reason: refusal.reason },
      fileState: 'rejected',
      decision: { outcome: 'refused', visaType: null },
    },
    actor,
  );
}
