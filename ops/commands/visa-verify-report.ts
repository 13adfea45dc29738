import type { DecodedSeal } from '../../common/vds/decode.js';
import { OUTCOME_TEXTS } from '../../common/vds/verifier/verifier-texts.js';
import type { VerifyRefusal } from '../../common/vds/verify.js';

/**
 * The exit code of `econsulat visa verify`, one per class of answer: 0 only for a valid seal, so
 * a script at a border post can branch on it. 1 is the command used wrongly (commander's own too).
 */
export const VERIFY_EXIT_CODES = {
  valid: 0,
  usage: 1,
  malformed: 2,
  altered: 3,
  unknown_signer: 4,
  revoked_signer: 5,
  revoked_document: 6,
  expired: 7,
  not_yet_valid: 8,
  no_barcode: 9,
  bad_bundle: 10,
} as const satisfies Record<VerifyRefusal | 'valid' | 'usage' | 'no_barcode' | 'bad_bundle', number>;

/**
 * What a border officer reads for each refusal, in French then English: the offline verifier
 * page's words (common/vds/verifier/verifier-texts.ts), so a page and a terminal at the same post
 * agree; the command's own cases after them.
 */
export const REFUSAL_MESSAGES: Record<
  VerifyRefusal | 'no_barcode' | 'bad_bundle',
  { fr: string; en: string }
> = {
  malformed: OUTCOME_TEXTS.malformed,
  altered: OUTCOME_TEXTS.altered,
  unknown_signer: OUTCOME_TEXTS.unknown_signer,
  revoked_signer: OUTCOME_TEXTS.revoked_signer,
  revoked_document: OUTCOME_TEXTS.revoked_document,
  expired: OUTCOME_TEXTS.expired,
  not_yet_valid: OUTCOME_TEXTS.not_yet_valid,
  no_barcode: {
    fr: 'ILLISIBLE — aucun code DataMatrix lisible dans l’image',
    en: 'UNREADABLE — no readable DataMatrix in the image',
  },
  bad_bundle: {
    fr: 'ERREUR — paquet de confiance inutilisable',
    en: 'ERROR — unusable trust bundle',
  },
};

/** The readable data of a valid seal, one field a line. */
export function describeSeal(seal: DecodedSeal): string[] {
  const { header, content } = seal;
  const lines = [
    'VALIDE — sceau authentique / VALID — authentic seal',
    `  document            ${documentName(content.kind)}`,
    `  issuing state       ${header.issuingCountry}`,
    `  signer              ${header.signerIdentifier} ${header.certificateReference}`,
    `  issued / signed     ${header.documentIssueDate} / ${header.signatureCreationDate}`,
  ];
  if (content.kind === 'other') return lines;
  const { mrz } = content;
  lines.push(
    `  number              ${mrz.fields.documentNumber}`,
    `  name                ${mrz.surname}, ${mrz.givenNames}`,
    `  nationality         ${mrz.fields.nationality}`,
    `  birth date          ${mrz.fields.birthDate ?? 'unknown'}`,
    `  sex                 ${mrz.fields.sex}`,
    `  valid until         ${mrz.fields.expiryDate}`,
  );
  if (content.kind === 'visa') {
    const { days, months, years } = content.durationOfStay;
    lines.push(
      `  passport            ${content.passportNumber}`,
      `  entries             ${content.numberOfEntries === 0 ? 'multiple' : (content.numberOfEntries ?? '—')}`,
      `  duration of stay    ${days} d ${months} m ${years} y`,
    );
    if (content.visaType) lines.push(`  visa type           ${content.visaType}`);
  }
  lines.push('  MRZ', `    ${mrz.line1}`, `    ${mrz.line2}`);
  return lines;
}

function documentName(kind: DecodedSeal['content']['kind']): string {
  if (kind === 'visa') return 'visa';
  if (kind === 'emergency_travel_document') return 'laissez-passer (emergency travel document)';
  return 'unknown';
}
