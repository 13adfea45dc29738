import type { Lang } from './file-schema.js';
import type { FileState } from './workflow.js';

/**
 * SMS texts of status changes. Plain ASCII (no accents): a single GSM-7 segment costs less and
 * shows the same on every feature phone. The Sango wording should be reviewed by a native speaker.
 */
const STATE_LABELS: Readonly<Record<Lang, Readonly<Record<FileState, string>>>> = {
  fr: {
    submitted: 'enregistre',
    in_review: "en cours d'examen",
    awaiting_payment: 'en attente de paiement',
    awaiting_documents: 'en attente de pieces a fournir',
    approved: 'accepte',
    rejected: 'refuse',
    ready: 'pret, a retirer au consulat',
    delivered: 'remis',
  },
  sg: {
    submitted: 'a yamba ni',
    in_review: 'a yeke ba ni',
    awaiting_payment: 'a ku futa',
    awaiting_documents: 'a ku ambeti',
    approved: 'a yeda na ni',
    rejected: 'a ke ni',
    ready: 'a leke awe, ga mu ni',
    delivered: 'a mu ni awe',
  },
  en: {
    submitted: 'received',
    in_review: 'under review',
    awaiting_payment: 'awaiting payment',
    awaiting_documents: 'awaiting documents',
    approved: 'approved',
    rejected: 'refused',
    ready: 'ready for collection at the consulate',
    delivered: 'delivered',
  },
};

const TEMPLATES: Readonly<Record<Lang, (tracking: string, label: string) => string>> = {
  fr: (tracking, label) => `Consulat RCA: votre dossier ${tracking} est ${label}.`,
  sg: (tracking, label) => `Consulat RCA: dossier ti mo ${tracking}: ${label}.`,
  en: (tracking, label) => `CAR Consulate: your file ${tracking} is ${label}.`,
};

/** The SMS telling an applicant that their file moved to a state. */
export function fileStatusText(lang: Lang, trackingNumber: string, state: FileState): string {
  return TEMPLATES[lang](trackingNumber, STATE_LABELS[lang][state]);
}

/** A state's label in a language (the public lookup shows it too). */
export function fileStateLabel(lang: Lang, state: FileState): string {
  return STATE_LABELS[lang][state];
}

const LOCKED_TEMPLATES: Readonly<Record<Lang, (tracking: string) => string>> = {
  fr: (tracking) =>
    `Consulat RCA: trop de mauvaises reponses pour consulter le dossier ${tracking}. Consultation bloquee un moment. Si ce n'etait pas vous, rien a faire: le dossier est protege.`,
  sg: (tracking) =>
    `Consulat RCA: a tara ti bâ dossier ${tracking} mingi na sioni. A kanga ni kete ngoi. Tongana a yeke mo pepe, mo sara ye oko pepe.`,
  en: (tracking) =>
    `CAR Consulate: too many wrong answers for file ${tracking}. Details are locked for a while. If this was not you, nothing to do: the file is protected.`,
};

/** The SMS telling an applicant that wrong answers locked their file's details for a while. */
export function lookupLockedText(lang: Lang, trackingNumber: string): string {
  return LOCKED_TEMPLATES[lang](trackingNumber);
}
