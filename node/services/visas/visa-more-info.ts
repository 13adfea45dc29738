import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { sniffDocumentType } from '../files/file-documents.js';
import { VisaError, VisaErrorCode } from './errors.js';
import type { VisaContext } from './visa-context.js';
import { moveFile, mustGetVisa } from './visa-decisions.js';
import { selectVisaByFile } from './visa-rows.js';
import { MAX_SCAN_BYTES, type Upload, type VisaApplication } from './visa-schema.js';

/** Most documents one answer to a request for more information brings (the portal's multipart limit). */
export const MAX_MORE_INFO_DOCUMENTS = 2;

/**
 * The applicant answers an agent's request for more information: the documents asked for, each a
 * PDF, JPEG or PNG by its bytes and as its upload declared, 1 byte to 5 MB. They join the file's
 * documents and the application goes back to the agents' queue (`submitted`, its file in review),
 * audited. Every refusal comes before anything is written: an application not waiting for more
 * information, no document, a document too large or not what it says it is.
 */
export async function provideMoreInfo(
  ctx: VisaContext,
  fileId: string,
  uploads: readonly Upload[],
): Promise<VisaApplication> {
  const application = selectVisaByFile(ctx.store, fileId);
  if (!application) throw new VisaError(VisaErrorCode.NotFound, `no visa application for file ${fileId}`);
  requireWaiting(application);
  const documents = uploads.filter((upload) => upload.bytes.length > 0 || upload.contentType !== '');
  if (documents.length === 0 || documents.length > MAX_MORE_INFO_DOCUMENTS)
    throw new VisaError(
      VisaErrorCode.ScanRefused,
      `send 1 to ${MAX_MORE_INFO_DOCUMENTS} documents (got ${documents.length})`,
      { field: 'documents' },
    );
  for (const document of documents) checkDocument(document);
  const actor = `applicant:${ctx.files.get(fileId)?.personId ?? 'unknown'}`;

  const added: string[] = [];
  for (const [index, document] of documents.entries()) {
    const stored = await ctx.files.addDocument(
      fileId,
      { label: `Complément ${index + 1}`, contentType: document.contentType, bytes: document.bytes },
      actor,
    );
    added.push(stored.id);
  }
  const at = ctx.now().toISOString();
  immediateTransaction(ctx.store.db, () => {
    const changed = ctx.store.db
      .prepare(
        `UPDATE visa_applications SET state = 'submitted', updated_at = ?
          WHERE id = ? AND state = 'more_info_requested'`,
      )
      .run(at, application.id);
    if (changed.changes !== 1)
      throw new VisaError(VisaErrorCode.WrongState, 'the application moved meanwhile');
    moveFile(ctx, fileId, 'in_review', actor);
    appendAudit(ctx.store.db, {
      actor,
      action: 'visa.more_info_provided',
      entity: 'visa_application',
      entityId: application.id,
      beforeDigest: digestRecord(ctx.store.keys.audit, { state: application.state }),
      afterDigest: digestRecord(ctx.store.keys.audit, { state: 'submitted', documents: added }),
      at,
    });
  });
  return mustGetVisa(ctx, application.id);
}

function requireWaiting(application: VisaApplication): void {
  if (application.state !== 'more_info_requested')
    throw new VisaError(
      VisaErrorCode.WrongState,
      `the application is ${application.state}, not waiting for more information`,
    );
}

function checkDocument(document: Upload): void {
  const sniffed = sniffDocumentType(document.bytes);
  if (document.bytes.length > MAX_SCAN_BYTES)
    throw new VisaError(VisaErrorCode.ScanRefused, 'a document is at most 5 MB', { field: 'documents' });
  if (document.bytes.length === 0 || sniffed === undefined || sniffed !== document.contentType)
    throw new VisaError(
      VisaErrorCode.ScanRefused,
      `a document is a PDF, JPEG or PNG (declared ${document.contentType}, content ${sniffed ?? 'unknown'})`,
      { field: 'documents' },
    );
}
