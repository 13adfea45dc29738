// Sango (sg) texts below are first drafts: every one awaits a native speaker's review before the
// portal shows them as final (services seeded from here carry sg_review = 1).
import type { MissionService } from './catalogue-schema.js';
import { commonFaq, commonDocuments as doc, faq, fees, t } from './seed-parts.js';

const transcriptionFaq = faq(
  t(
    'Mon acte étranger doit-il être traduit ?',
    'A lingbi ti kiri na yângâ ti français mbëtï ti mo?',
    'Must my foreign certificate be translated?',
  ),
  t(
    'Oui, s’il n’est pas en français : joignez une traduction par un traducteur assermenté.',
    'Ii, tongana a yeke na yângâ ti français pëpe.',
    'Yes, if it is not in French: attach a translation by a sworn translator.',
  ),
);

/** Registration, civil status, certificates and legalisation. */
export const civilServices: MissionService[] = [
  {
    code: 'consular-registration',
    category: 'registration',
    name: t('Immatriculation consulaire', 'Sû ïrï na konsulâ', 'Consular registration'),
    description: t(
      'Inscription au registre des Centrafricains établis dans la circonscription. Gratuite ; ouvre droit à la carte consulaire.',
      'Ti sû ïrï ti mo na mbëtï ti zo ti Bêafrîka so ayeke lango ge. A yeke senge.',
      'Entry in the register of Central Africans living in the district. Free; gives access to the consular card.',
    ),
    fees: fees(0, 0),
    requiredDocuments: [doc.passportOrId, doc.proofOfAddress, doc.photos],
    processingDaysTarget: 1,
    appointmentMinutes: 15,
    faq: [
      faq(
        t('Pourquoi m’immatriculer ?', 'Ngbanga ti nyen si mo sû ïrï?', 'Why register?'),
        t(
          'Pour être joint en cas de crise, voter à l’étranger et obtenir vos documents plus vite.',
          'Teti ti wara mo tongana ye ayeke, na ti wara mbëtï hîo.',
          'To be reached in a crisis, vote abroad and get your documents faster.',
        ),
      ),
    ],
    formRef: 'consular-registration.pdf',
    active: true,
  },
  {
    code: 'birth-transcription',
    category: 'civil_status',
    name: t('Transcription d’acte de naissance', 'Sû mbëtï ti dûngo', 'Transcription of a birth certificate'),
    description: t(
      'Transcription dans l’état civil centrafricain de la naissance à l’étranger d’un enfant de parent centrafricain.',
      'Ti sû dûngo ti môlengê na mbênî ködörö na mbëtï ti Bêafrîka.',
      'Entry in the Central African civil register of a birth abroad to a Central African parent.',
    ),
    fees: fees(5_000, 800),
    requiredDocuments: [
      t(
        'Copie intégrale de l’acte de naissance local',
        'Kopi ti mbëtï ti dûngo ti ködörö so',
        'Full copy of the local birth certificate',
      ),
      t('Pièce d’identité des deux parents', 'Mbëtï ti babâ na mamâ', 'Identity documents of both parents'),
      t(
        'Acte de mariage des parents, s’il y a lieu',
        'Mbëtï ti mariage ti babâ na mamâ (tongana ayeke)',
        'Parents’ marriage certificate, if any',
      ),
    ],
    processingDaysTarget: 30,
    appointmentMinutes: 20,
    faq: [transcriptionFaq],
    formRef: 'birth-transcription.pdf',
    active: true,
  },
  {
    code: 'marriage-transcription',
    category: 'civil_status',
    name: t(
      'Transcription d’acte de mariage',
      'Sû mbëtï ti mariage',
      'Transcription of a marriage certificate',
    ),
    description: t(
      'Transcription d’un mariage célébré à l’étranger par les autorités locales, dont un époux au moins est centrafricain.',
      'Ti sû mariage so asî na mbênî ködörö na mbëtï ti Bêafrîka.',
      'Entry of a marriage celebrated abroad by local authorities, where at least one spouse is Central African.',
    ),
    fees: fees(5_000, 800),
    requiredDocuments: [
      t(
        'Copie intégrale de l’acte de mariage local',
        'Kopi ti mbëtï ti mariage',
        'Full copy of the local marriage certificate',
      ),
      t(
        'Actes de naissance des deux époux',
        'Mbëtï ti dûngo ti ala use',
        'Birth certificates of both spouses',
      ),
      doc.passportOrId,
    ],
    processingDaysTarget: 30,
    appointmentMinutes: 20,
    faq: [transcriptionFaq],
    formRef: 'marriage-transcription.pdf',
    active: true,
  },
  {
    code: 'death-transcription',
    category: 'civil_status',
    name: t('Transcription d’acte de décès', 'Sû mbëtï ti kûâ', 'Transcription of a death certificate'),
    description: t(
      'Transcription du décès à l’étranger d’un ressortissant centrafricain.',
      'Ti sû kûâ ti zo ti Bêafrîka na mbênî ködörö.',
      'Entry of the death abroad of a Central African national.',
    ),
    fees: fees(0, 0),
    requiredDocuments: [
      t('Acte de décès local', 'Mbëtï ti kûâ ti ködörö so', 'Local death certificate'),
      t(
        'Preuve de la nationalité du défunt',
        'Mbëtï so afa so zo ni ayeke zo ti Bêafrîka',
        'Proof of the deceased’s nationality',
      ),
      t(
        'Pièce d’identité du déclarant',
        'Mbëtï ti zo so ayeke fa tënë',
        'Identity document of the declarant',
      ),
    ],
    processingDaysTarget: 15,
    appointmentMinutes: 15,
    faq: [transcriptionFaq],
    formRef: 'death-transcription.pdf',
    active: true,
  },
  {
    code: 'life-certificate',
    category: 'certificate',
    name: t('Certificat de vie', 'Mbëtï ti fînî', 'Certificate of life'),
    description: t(
      'Atteste que le titulaire est en vie, notamment pour les pensions de retraite centrafricaines. Délivré sur présentation en personne.',
      'Mbëtï so afa so zo ni ayeke na fînî, teti pension.',
      'Certifies that the holder is alive, notably for Central African retirement pensions. Issued in person.',
    ),
    fees: fees(3_000, 500),
    requiredDocuments: [
      doc.passportOrId,
      t('Numéro ou titre de pension', 'Nömörö ti pension', 'Pension number or certificate'),
    ],
    processingDaysTarget: 0,
    appointmentMinutes: 10,
    faq: [commonFaq.inPerson],
    active: true,
  },
  {
    code: 'residence-certificate',
    category: 'certificate',
    name: t('Certificat de résidence', 'Mbëtï ti ndo ti lango', 'Certificate of residence'),
    description: t(
      'Atteste l’adresse de résidence à l’étranger d’un ressortissant immatriculé (douane, déménagement, bourses).',
      'Mbëtï so afa ndo so zo ti Bêafrîka ayeke lango dä.',
      'Certifies the address abroad of a registered national (customs, removals, grants).',
    ),
    fees: fees(5_000, 800),
    requiredDocuments: [doc.consularCard, doc.proofOfAddress, doc.residencePermit],
    processingDaysTarget: 2,
    appointmentMinutes: 10,
    faq: [commonFaq.payment],
    formRef: 'residence-certificate.pdf',
    active: true,
  },
  {
    code: 'legalisation',
    category: 'legalisation',
    name: t(
      'Légalisation de signature ou de document',
      'Légalisation ti mbëtï',
      'Legalisation of a signature or document',
    ),
    description: t(
      'Légalisation d’une signature ou certification conforme d’une copie, par document.',
      'Ti fa so sînyatûre wala kopi ti mbëtï ayeke tâ ni. Nginza ti mbëtï ôko ôko.',
      'Legalisation of a signature or certified true copy, per document.',
    ),
    fees: fees(5_000, 800),
    requiredDocuments: [
      t('Document original et sa copie', 'Mbëtï ti giriri na kopi ti lo', 'Original document and its copy'),
      doc.passportOrId,
    ],
    processingDaysTarget: 2,
    appointmentMinutes: 10,
    faq: [commonFaq.payment],
    active: true,
  },
];
