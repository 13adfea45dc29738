import type { DecodedSeal } from '../../common/vds/decode.js';
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

/** What a border officer reads for each refusal, in French then English. */
export const REFUSAL_MESSAGES: Record<
  VerifyRefusal | 'no_barcode' | 'bad_bundle',
  { fr: string; en: string }
> = {
  malformed: {
    fr: 'REFUSÉ — sceau illisible : ce n’est pas un cachet électronique visible valable',
    en: 'REFUSED — malformed seal: this is not a readable visible digital seal',
  },
  altered: {
    fr: 'REFUSÉ — sceau altéré : la signature ne correspond pas aux données',
    en: 'REFUSED — altered seal: the signature does not match the data',
  },
  unknown_signer: {
    fr: 'REFUSÉ — signataire inconnu : aucun certificat du paquet de confiance n’a signé ce sceau',
    en: 'REFUSED — unknown signer: no certificate of the trust bundle signed this seal',
  },
  revoked_signer: {
    fr: 'REFUSÉ — certificat du signataire révoqué par le ministère',
    en: 'REFUSED — the signer’s certificate was revoked by the ministry',
  },
  revoked_document: {
    fr: 'REFUSÉ — document révoqué par le ministère',
    en: 'REFUSED — the document was revoked by the ministry',
  },
  expired: {
    fr: 'REFUSÉ — document expiré (ou certificat du signataire expiré)',
    en: 'REFUSED — the document (or the signer’s certificate) has expired',
  },
  not_yet_valid: {
    fr: 'REFUSÉ — pas encore valide : émis ou signé à une date future',
    en: 'REFUSED — not yet valid: issued or signed at a later date',
  },
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
