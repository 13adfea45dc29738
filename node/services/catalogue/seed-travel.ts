// Sango (sg) texts below are first drafts: every one awaits a native speaker's review before the
// portal shows them as final (services seeded from here carry sg_review = 1).
import type { MissionService } from './catalogue-schema.js';
import { commonFaq, commonDocuments as doc, faq, fees, t } from './seed-parts.js';

/** Passports, travel documents, identity and visas. */
export const travelServices: MissionService[] = [
  {
    code: 'passport-first',
    category: 'passport',
    name: t('Passeport — première demande', 'Hunda passeport ti kôzo', 'Passport — first application'),
    description: t(
      'Demande de passeport biométrique ordinaire pour un ressortissant centrafricain qui n’en a jamais eu. Prise des empreintes et de la photo au guichet.',
      'Ti hunda passeport ti kôzo na zo ti Bêafrîka. A yeke gbû fotô na empreinte na guichet.',
      'Application for an ordinary biometric passport by a Central African national who never held one. Fingerprints and photo are taken at the counter.',
    ),
    fees: fees(75_000, 11_500),
    requiredDocuments: [
      doc.birthCertificate,
      t(
        'Certificat de nationalité centrafricaine',
        'Mbëtï so afa so mo yeke zo ti Bêafrîka',
        'Certificate of Central African nationality',
      ),
      doc.consularCard,
      doc.proofOfAddress,
      doc.residencePermit,
    ],
    processingDaysTarget: 30,
    appointmentMinutes: 20,
    faq: [
      commonFaq.inPerson,
      faq(
        t(
          'Un mineur peut-il demander un passeport ?',
          'Môlengê alingbi ti hunda passeport?',
          'Can a minor apply?',
        ),
        t(
          'Oui, accompagné d’un parent ou du tuteur légal muni de sa pièce d’identité.',
          'Ii, na babâ wala mamâ ti lo so ayeke na mbëtï ti lo.',
          'Yes, with a parent or legal guardian who brings their own identity document.',
        ),
      ),
    ],
    formRef: 'passport-application.pdf',
    active: true,
  },
  {
    code: 'passport-renewal',
    category: 'passport',
    name: t('Passeport — renouvellement', 'Fini passeport (kiri na ni)', 'Passport — renewal'),
    description: t(
      'Renouvellement d’un passeport expiré, bientôt expiré, plein, perdu ou volé.',
      'Ti wara fini passeport na place ti so ahûnzi, so awe, so agirisa wala so a nzi.',
      'Renewal of a passport that has expired, will soon expire, is full, lost or stolen.',
    ),
    fees: fees(75_000, 11_500),
    requiredDocuments: [
      t(
        'Ancien passeport (ou déclaration de perte ou de vol)',
        'Passeport ti giriri (wala mbëtï ti police tongana a girisa)',
        'Previous passport (or a police report of loss or theft)',
      ),
      doc.consularCard,
      doc.proofOfAddress,
      doc.residencePermit,
    ],
    processingDaysTarget: 30,
    appointmentMinutes: 20,
    faq: [
      commonFaq.inPerson,
      faq(
        t('Quand renouveler ?', 'Lâ wa ti fini passeport?', 'When should I renew?'),
        t(
          'Six mois avant l’expiration : de nombreux pays refusent un passeport valide moins de 6 mois.',
          'Nze omenë kâ na kôdë ti hûnzi ni.',
          'Six months before it expires: many countries refuse a passport valid for less than 6 months.',
        ),
      ),
    ],
    formRef: 'passport-application.pdf',
    active: true,
  },
  {
    code: 'laissez-passer',
    category: 'travel_document',
    name: t('Laissez-passer', 'Laissez-passer ti kiri na Bêafrîka', 'Emergency travel document'),
    description: t(
      'Titre de voyage provisoire pour un seul retour en République centrafricaine, quand le passeport est perdu, volé ou expiré.',
      'Mbëtï ti gue gï na Bêafrîka, tongana passeport agirisa wala ahûnzi.',
      'Single-journey travel document back to the Central African Republic when the passport is lost, stolen or expired.',
    ),
    fees: fees(25_000, 3_800),
    requiredDocuments: [
      doc.passportOrId,
      t(
        'Déclaration de perte ou de vol (police)',
        'Mbëtï ti police so afa so passeport agirisa',
        'Police report of loss or theft',
      ),
      t('Billet ou réservation de voyage', 'Tiketi ti lapärä', 'Travel ticket or booking'),
      doc.photos,
    ],
    processingDaysTarget: 2,
    appointmentMinutes: 15,
    faq: [commonFaq.inPerson],
    formRef: 'laissez-passer-application.pdf',
    active: true,
  },
  {
    code: 'consular-card',
    category: 'identity',
    name: t('Carte consulaire', 'Kârâte ti konsulâ', 'Consular card'),
    description: t(
      'Carte d’identité consulaire des Centrafricains immatriculés auprès de la mission, valable 5 ans.',
      'Kârâte ti zo ti Bêafrîka so asû ïrï ti lo na konsulâ. Ngû 5.',
      'Consular identity card for Central Africans registered with the mission, valid 5 years.',
    ),
    fees: fees(10_000, 1_500),
    requiredDocuments: [doc.passportOrId, doc.residencePermit, doc.proofOfAddress, doc.photos],
    processingDaysTarget: 7,
    appointmentMinutes: 15,
    faq: [commonFaq.payment],
    formRef: 'consular-card-application.pdf',
    active: true,
  },
  {
    code: 'visa-short-stay',
    category: 'visa',
    name: t('Visa court séjour (étrangers)', 'Visa ti zo ti mbênî ködörö', 'Short-stay visa (foreigners)'),
    description: t(
      'Visa d’entrée en République centrafricaine pour un séjour de 90 jours au plus (tourisme, affaires, visite familiale).',
      'Visa ti lï na Bêafrîka teti lâ 90 wala kêtê na ni.',
      'Entry visa to the Central African Republic for a stay of up to 90 days (tourism, business, family visit).',
    ),
    fees: fees(65_000, 10_000),
    requiredDocuments: [
      t(
        'Passeport valide au moins 6 mois après le retour, avec 2 pages vierges',
        'Passeport so ayeke nzoni teti nze 6',
        'Passport valid at least 6 months after return, with 2 blank pages',
      ),
      t(
        'Certificat international de vaccination contre la fièvre jaune',
        'Mbëtï ti vaccin ti fièvre jaune',
        'International certificate of yellow fever vaccination',
      ),
      t(
        'Billet aller-retour et réservation d’hôtel ou lettre d’invitation',
        'Tiketi ti gue na kiri, na hôtel wala mbëtï ti dëngö',
        'Return ticket and hotel booking or letter of invitation',
      ),
      doc.photos,
    ],
    processingDaysTarget: 5,
    appointmentMinutes: 15,
    faq: [commonFaq.payment],
    formRef: 'visa-application.pdf',
    active: true,
  },
];
