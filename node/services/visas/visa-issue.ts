import type { MrzLines } from '../../../common/vds/mrz.js';
import { buildEtdMrz, buildVisaMrz } from '../../../common/vds/mrz.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { VisaError, VisaErrorCode } from './errors.js';
import type { VisaContext } from './visa-context.js';
import { moveFile, mustGetVisa } from './visa-decisions.js';
import { renderVisaPdf } from './visa-pdf.js';
import type { VisaApplication, VisaKind } from './visa-schema.js';
import { sealDocument } from './visa-seal.js';

const LETTER_OF_KIND: Readonly<Record<VisaKind, string>> = { visa: 'V', laissez_passer: 'L' };

/**
 * Issues a granted application: the next document number of its kind and year, the MRZ and the
 * seal signed with the mission's signer key, stored with the application. Local only: the hub is
 * not asked. The number and the seal are written in one transaction (a failed write gives the
 * number back).
 */
export async function issueDocument(ctx: VisaContext, id: string, actor: string): Promise<VisaApplication> {
  const application = mustGetVisa(ctx, id);
  if (application.state !== 'granted')
    throw new VisaError(VisaErrorCode.WrongState, `cannot issue an application ${application.state}`);
  const signer = await ctx.signer();
  const now = ctx.now();
  const today = now.toISOString().slice(0, 10);
  const at = now.toISOString();
  const year = now.getUTCFullYear();
  // The signing is async: the number is taken after it, in the transaction that stores the seal,
  // and the seal is signed again if another issue took the number meanwhile (two agents issuing at
  // the same moment).
  for (;;) {
    const number = documentNumber(
      application.kind,
      signer.signerIdentifier,
      year,
      peekNext(ctx, application.kind, year),
    );
    const { seal } = await sealDocument(application, number, signer, today);
    const stored = immediateTransaction(ctx.store.db, () => {
      if (peekNext(ctx, application.kind, year) !== nextValueOf(number)) return false;
      takeNext(ctx, application.kind, year);
      const changed = ctx.store.db
        .prepare(
          `UPDATE visa_applications SET state = 'issued', document_number = ?, seal = ?, issued_by = ?,
             issued_at = ?, updated_at = ? WHERE id = ? AND state = 'granted'`,
        )
        .run(number, seal, actor, at, at, id);
      if (changed.changes !== 1)
        throw new VisaError(VisaErrorCode.WrongState, 'the application moved meanwhile');
      moveFile(ctx, application.fileId, 'ready', actor);
      appendAudit(ctx.store.db, {
        actor,
        action: 'visa.issued',
        entity: 'visa_application',
        entityId: id,
        afterDigest: digestRecord(ctx.store.keys.audit, {
          documentNumber: number,
          seal: Buffer.from(seal).toString('hex'),
        }),
        at,
      });
      return true;
    });
    if (stored) return mustGetVisa(ctx, id);
  }
}

/** The printed document of an issued application: A4 PDF bytes. */
export async function printDocument(ctx: VisaContext, id: string): Promise<Uint8Array> {
  const application = mustGetVisa(ctx, id);
  if (application.state !== 'issued' || !application.seal)
    throw new VisaError(VisaErrorCode.WrongState, 'the document is not issued');
  const photo = await ctx.files.readDocument(application.fileId, application.photoDocumentId);
  return renderVisaPdf({
    application,
    mrz: mrzOf(application),
    seal: application.seal,
    photo: { contentType: photo.document.contentType, bytes: photo.bytes },
    missionName: ctx.missionName,
  });
}

/** The MRZ of an issued document, built again from what the seal was built from. */
export function mrzOf(application: VisaApplication): MrzLines {
  const holder = {
    surname: application.familyName,
    givenNames: application.givenNames,
    birthDate: application.birthDate,
    sex: application.sex,
    documentNumber: application.documentNumber as string,
    expiryDate: application.validUntil as string,
  };
  return application.kind === 'visa'
    ? buildVisaMrz({ ...holder, nationality: application.nationality })
    : buildEtdMrz({ ...holder, nationality: 'CAF' });
}

// Numbers: a letter of the kind, the signer's two mission characters, the year's two digits, four
// digits of sequence (V PA 26 0001): 9 characters, the MRZ's document number field. The 10,000th
// document of a kind in a year would not fit: the MRZ builder refuses it rather than cut it.
function documentNumber(kind: VisaKind, signer: string, year: number, value: number): string {
  return `${LETTER_OF_KIND[kind]}${signer.slice(2)}${String(year % 100).padStart(2, '0')}${String(value).padStart(4, '0')}`;
}

function nextValueOf(number: string): number {
  return Number(number.slice(-4));
}

function seriesOf(kind: VisaKind): string {
  return kind === 'visa' ? 'visa' : 'laissez_passer';
}

function peekNext(ctx: VisaContext, kind: VisaKind, year: number): number {
  const row = ctx.store.db
    .prepare('SELECT last_value FROM number_series WHERE series = ? AND year = ?')
    .get(seriesOf(kind), year) as { last_value: number } | undefined;
  return (row?.last_value ?? 0) + 1;
}

function takeNext(ctx: VisaContext, kind: VisaKind, year: number): void {
  ctx.store.db
    .prepare(
      `INSERT INTO number_series (series, year, last_value) VALUES (?, ?, 1)
       ON CONFLICT (series, year) DO UPDATE SET last_value = last_value + 1`,
    )
    .run(seriesOf(kind), year);
}
