import type { FaqEntry } from './catalogue-schema.js';

/** A localised text: French, Sango, English. */
export interface Text3 {
  readonly fr: string;
  readonly sg: string;
  readonly en: string;
}

/** Builds a localised text in the order fr, sg, en. */
export function t(fr: string, sg: string, en: string): Text3 {
  return { fr, sg, en };
}

/**
 * Fees in XAF (no minor unit: ISO 4217 exponent 0) and in euros (cents). The euro amount is the
 * one the ministry sets for missions in the euro zone, not a conversion at the peg.
 */
export function fees(xaf: number, eurCents: number) {
  return [
    { amountMinor: xaf, currency: 'XAF' },
    { amountMinor: eurCents, currency: 'EUR' },
  ];
}

/** One FAQ entry. */
export function faq(question: Text3, answer: Text3): FaqEntry {
  return { question, answer };
}

/** Documents asked of almost every applicant. */
export const commonDocuments = {
  passportOrId: t(
    "Passeport ou carte nationale d'identité centrafricaine (original et copie)",
    'Passeport wala kârâte ti Bêafrîka (ti giriri na kopi)',
    'Central African passport or national identity card (original and copy)',
  ),
  birthCertificate: t(
    "Copie intégrale d'acte de naissance de moins de 6 mois",
    'Kopi ti mbëtï ti dûngo so ayeke na nze 6 pëpe',
    'Full copy of the birth certificate, less than 6 months old',
  ),
  proofOfAddress: t(
    'Justificatif de domicile de moins de 3 mois',
    'Mbëtï so afa ndo so mo yeke lango dä (nze 3 pëpe)',
    'Proof of address, less than 3 months old',
  ),
  residencePermit: t(
    'Titre de séjour en cours de validité',
    'Mbëtï ti lango na ködörö so (so ahûnzi pëpe)',
    'Valid residence permit',
  ),
  photos: t(
    "Deux photos d'identité récentes, fond clair",
    'Foto use ti fini',
    'Two recent passport photos, light background',
  ),
  consularCard: t(
    'Carte consulaire ou preuve d’immatriculation',
    'Kârâte ti konsulâ wala mbëtï ti sû ïrï na konsulâ',
    'Consular card or proof of consular registration',
  ),
} as const;

/** Questions every service page answers. */
export const commonFaq = {
  inPerson: faq(
    t(
      'Puis-je envoyer quelqu’un à ma place au rendez-vous ?',
      'Mbênî zo alingbi ti gue na ndo ti mo?',
      'Can someone else come to the appointment for me?',
    ),
    t(
      'Non. Le rendez-vous est nominatif : présentez-vous avec la pièce dont vous avez donné le numéro.',
      'Ên-ën. Gï mo wani: mû mbëtï so mo sû nömörö ti lo.',
      'No. The appointment is in your name: come with the document whose number you gave.',
    ),
  ),
  payment: faq(
    t('Comment payer les frais ?', 'Tongana nye ti fûta nginza?', 'How do I pay the fees?'),
    t(
      'En espèces au guichet (reçu numéroté) ou en ligne par carte ou mobile money.',
      'Na nginza na guichet wala na Internet (kârâte, mobile money).',
      'In cash at the counter (numbered receipt) or online by card or mobile money.',
    ),
  ),
} as const;
