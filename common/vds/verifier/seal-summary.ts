import type { DecodedSeal } from '../decode.js';
import { type Bilingual, DOCUMENT_NAMES, durationText, entriesText, FIELD_LABELS } from './verifier-texts.js';

/** One line of the readable data: its label in both languages, and the value. */
export interface SummaryRow {
  readonly field: keyof typeof FIELD_LABELS;
  readonly label: Bilingual;
  /** A value that reads the same in both languages, or one per language. */
  readonly value: string | Bilingual;
}

const row = (field: keyof typeof FIELD_LABELS, value: string | Bilingual): SummaryRow => ({
  field,
  label: FIELD_LABELS[field],
  value,
});

/**
 * What a border officer compares with the passport and the traveller: the holder, the document's
 * number and dates, and for a visa its passport number, type, entries and duration of stay. Dates
 * stay ISO (2027-02-28): no day/month confusion between a French and an English reader.
 */
export function summariseSeal(seal: DecodedSeal): SummaryRow[] {
  const { header, content } = seal;
  const rows = [row('document', DOCUMENT_NAMES[content.kind])];
  if (content.kind === 'other') {
    rows.push(row('issued', header.documentIssueDate), row('issuer', header.issuingCountry));
    return rows;
  }
  const { mrz } = content;
  rows.push(
    row('documentNumber', mrz.fields.documentNumber),
    row('surname', mrz.surname),
    row('givenNames', mrz.givenNames),
    row('nationality', mrz.fields.nationality),
    row('birthDate', mrz.fields.birthDate ?? '—'),
    row('sex', mrz.fields.sex),
  );
  if (content.kind === 'visa') {
    rows.push(
      row('passportNumber', content.passportNumber),
      row('visaType', content.visaType ?? '—'),
      row('entries', entriesText(content.numberOfEntries)),
      row('duration', durationText(content.durationOfStay)),
    );
  }
  rows.push(
    row('issued', header.documentIssueDate),
    row('validUntil', mrz.fields.expiryDate),
    row('issuer', header.issuingCountry),
    row('signer', `${header.signerIdentifier} ${header.certificateReference}`),
    row('mrz', `${mrz.line1}\n${mrz.line2}`),
  );
  return rows;
}
