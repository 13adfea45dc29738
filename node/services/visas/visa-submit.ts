import { newRowId } from '../../db/row-id.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { pickLanguage } from '../catalogue/catalogue.js';
import { VisaError, VisaErrorCode } from './errors.js';
import { checkBioPage, checkDates, checkPassportNumber, checkPhoto, parseFields } from './visa-checks.js';
import type { VisaContext } from './visa-context.js';
import { writeVisaRequested } from './visa-events.js';
import { hasOpenApplication, insertVisaRow, selectVisa } from './visa-rows.js';
import { SERVICE_OF_KIND, type VisaApplication, type VisaApplicationInput } from './visa-schema.js';

/** A submitted application with the fee invoice the applicant pays. */
export interface SubmittedVisa {
  readonly application: VisaApplication;
  readonly invoiceId: string;
}

/**
 * Takes an application from the portal: every refusal (a field, the passport's check digit and
 * expiry, the photo's and the scan's bytes, an application already open for the passport) comes
 * before anything is written. Then the file is opened in the applicant's name (its tracking
 * number, SMS and tracking are the file's), the photo and bio page are sealed as its documents,
 * the application row and the fee's invoice are written, and the submission is audited.
 */
export async function submitApplication(
  ctx: VisaContext,
  input: VisaApplicationInput,
): Promise<SubmittedVisa> {
  const fields = parseFields(input.fields);
  checkPassportNumber(fields);
  checkDates(fields, ctx.now().toISOString().slice(0, 10));
  const photoType = checkPhoto(input.photo);
  checkBioPage(input.bioPage);
  refuseIfOpen(ctx, fields.passportNumber);
  const serviceCode = SERVICE_OF_KIND[fields.kind];
  const service = ctx.catalogue.requireActiveService(serviceCode);
  const fee = service.fees.find((candidate) => candidate.currency === ctx.currency) ?? service.fees[0];

  const file = ctx.files.openOnline(
    {
      applicant: {
        familyName: fields.familyName,
        givenNames: fields.givenNames || '-',
        birthDate: fields.birthDate,
        phone: fields.phone,
        ...(fields.email === undefined ? {} : { email: fields.email }),
      },
      serviceCode,
      lang: fields.lang,
    },
    'portal',
  );
  const actor = `applicant:${file.personId}`;
  const photo = await ctx.files.addDocument(
    file.id,
    { label: 'Photo', contentType: photoType, bytes: input.photo.bytes },
    actor,
  );
  const bioPage = await ctx.files.addDocument(
    file.id,
    {
      label: 'Passeport, page des données',
      contentType: input.bioPage.contentType,
      bytes: input.bioPage.bytes,
    },
    actor,
  );
  const id = newRowId();
  const at = ctx.now().toISOString();
  immediateTransaction(ctx.store.db, () => {
    refuseIfOpen(ctx, fields.passportNumber);
    insertVisaRow(ctx.store, {
      id,
      fileId: file.id,
      fields,
      photoDocumentId: photo.id,
      bioPageDocumentId: bioPage.id,
      at,
    });
    appendAudit(ctx.store.db, {
      actor,
      action: 'visa.submitted',
      entity: 'visa_application',
      entityId: id,
      afterDigest: digestRecord(ctx.store.keys.audit, { id, fileId: file.id, ...fields }),
      at,
    });
    writeVisaRequested(ctx.store, {
      id,
      kind: fields.kind,
      nationality: fields.nationality,
      submittedAt: at,
    });
  });
  const invoice = fee
    ? ctx.payments.createInvoice(
        {
          serviceCode,
          fileId: file.id,
          lines: [
            { label: pickLanguage(service.name, 'fr'), unitMinor: fee.amountMinor, currency: fee.currency },
          ],
        },
        actor,
      )
    : undefined;
  return { application: selectVisa(ctx.store, id) as VisaApplication, invoiceId: invoice?.id ?? '' };
}

function refuseIfOpen(ctx: VisaContext, passportNumber: string): void {
  if (hasOpenApplication(ctx.store, passportNumber))
    throw new VisaError(VisaErrorCode.AlreadyOpen, 'an application for this passport is already open', {
      field: 'passportNumber',
    });
}
