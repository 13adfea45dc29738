import type { VerifyRefusal } from '../verify.js';

// What the offline verifier page says, in French then English: a border officer at Bangui M'Poko
// reads French, a foreign officer or the traveller reads English. The command line's `econsulat visa
// verify` takes its refusals from here, so a page and a terminal at the same post agree.

/** Every answer the page can give about a seal. */
export type VerifierOutcome =
  | 'valid'
  | VerifyRefusal
  | 'no_barcode'
  | 'not_hex'
  | 'no_bundle'
  | 'no_crypto'
  | 'reader_failed';

/** A text in both languages. */
export interface Bilingual {
  readonly fr: string;
  readonly en: string;
}

/** The verdict line of each outcome. */
export const OUTCOME_TEXTS: Readonly<Record<VerifierOutcome, Bilingual>> = {
  valid: {
    fr: 'VALIDE — sceau authentique, document en cours de validité',
    en: 'VALID — authentic seal, document in force',
  },
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
    fr: 'ILLISIBLE — aucun code DataMatrix lisible dans l’image : reprenez la photo de plus près, bien à plat',
    en: 'UNREADABLE — no readable DataMatrix in the image: take the photo again, closer and flat',
  },
  not_hex: {
    fr: 'ILLISIBLE — le contenu saisi n’est pas de l’hexadécimal (chiffres 0–9 et lettres A–F, en nombre pair)',
    en: 'UNREADABLE — the text entered is not hexadecimal (digits 0–9 and letters A–F, an even count)',
  },
  no_bundle: {
    fr: 'IMPOSSIBLE — chargez d’abord le paquet de confiance du ministère',
    en: 'CANNOT CHECK — load the ministry’s trust bundle first',
  },
  no_crypto: {
    fr: 'IMPOSSIBLE — ce navigateur ne permet pas la vérification ici : ouvrez le fichier enregistré sur l’appareil, ou la page en https',
    en: 'CANNOT CHECK — this browser does not allow verification here: open the file saved on the device, or the page over https',
  },
  reader_failed: {
    fr: 'ERREUR — le lecteur d’images n’a pas pu démarrer : saisissez le contenu en hexadécimal',
    en: 'ERROR — the image reader could not start: enter the payload in hexadecimal',
  },
};

/** The labels of the readable data, in the order shown. */
export const FIELD_LABELS = {
  document: { fr: 'Document', en: 'Document' },
  documentNumber: { fr: 'Numéro', en: 'Number' },
  surname: { fr: 'Nom', en: 'Surname' },
  givenNames: { fr: 'Prénoms', en: 'Given names' },
  nationality: { fr: 'Nationalité', en: 'Nationality' },
  birthDate: { fr: 'Date de naissance', en: 'Date of birth' },
  sex: { fr: 'Sexe', en: 'Sex' },
  passportNumber: { fr: 'Passeport', en: 'Passport' },
  visaType: { fr: 'Type de visa', en: 'Visa type' },
  entries: { fr: 'Entrées', en: 'Entries' },
  duration: { fr: 'Durée du séjour', en: 'Duration of stay' },
  issued: { fr: 'Délivré le', en: 'Issued on' },
  validUntil: { fr: 'Valable jusqu’au', en: 'Valid until' },
  issuer: { fr: 'État émetteur', en: 'Issuing state' },
  signer: { fr: 'Signataire', en: 'Signer' },
  mrz: { fr: 'Zone de lecture automatique', en: 'Machine readable zone' },
} as const satisfies Record<string, Bilingual>;

/** The trust bundle's state, as the page shows it. */
export const TRUST_TEXTS = {
  none: {
    fr: 'Aucun paquet de confiance chargé.',
    en: 'No trust bundle loaded.',
  },
  loaded: (issuedAt: string, savedAt: string, signers: number): Bilingual => ({
    fr: `Paquet de confiance du ${issuedAt} (chargé le ${savedAt}, ${signers} signataire(s)).`,
    en: `Trust bundle of ${issuedAt} (loaded on ${savedAt}, ${signers} signer(s)).`,
  }),
  stale: (days: number): Bilingual => ({
    fr: `Ce paquet a ${days} jours : les révocations plus récentes n’y sont pas. Téléchargez-en un nouveau dès que possible.`,
    en: `This bundle is ${days} days old: later revocations are not in it. Download a new one when you can.`,
  }),
  refused: (reason: string): Bilingual => ({
    fr: `Paquet refusé, l’ancien est gardé : ${reason}`,
    en: `Bundle refused, the previous one is kept: ${reason}`,
  }),
} as const;

/** A refused seal whose signature holds still shows its data, under this caption. */
export const AUTHENTIC_BUT_REFUSED: Bilingual = {
  fr: 'Données du sceau (signature authentique, mais document refusé)',
  en: 'Data of the seal (authentic signature, but the document is refused)',
};

/** The name of each document type. */
export const DOCUMENT_NAMES: Readonly<Record<'visa' | 'emergency_travel_document' | 'other', Bilingual>> = {
  visa: { fr: 'Visa', en: 'Visa' },
  emergency_travel_document: { fr: 'Laissez-passer', en: 'Emergency travel document' },
  other: { fr: 'Type inconnu', en: 'Unknown type' },
};

/** Number of entries: 0 is as many as the stay allows. */
export function entriesText(entries: number | null): Bilingual {
  if (entries === null) return { fr: '—', en: '—' };
  if (entries === 0) return { fr: 'Multiples', en: 'Multiple' };
  return { fr: String(entries), en: String(entries) };
}

/** A duration of stay of days, months and years, the zero parts left out. */
export function durationText(stay: { days: number; months: number; years: number }): Bilingual {
  const parts: Bilingual[] = [];
  if (stay.years) parts.push({ fr: `${stay.years} an(s)`, en: `${stay.years} year(s)` });
  if (stay.months) parts.push({ fr: `${stay.months} mois`, en: `${stay.months} month(s)` });
  if (stay.days || parts.length === 0) parts.push({ fr: `${stay.days} jour(s)`, en: `${stay.days} day(s)` });
  return { fr: parts.map((part) => part.fr).join(' '), en: parts.map((part) => part.en).join(' ') };
}
