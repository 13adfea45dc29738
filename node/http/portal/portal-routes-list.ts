/** The portal's paths: one place, so pages, redirects and tests agree. */
export const PORTAL_PATHS = {
  home: '/',
  mission: '/mission',
  services: '/services',
  service: (code: string) => `/services/${code}`,
  faq: '/faq',
  forms: '/formulaires',
  form: (code: string) => `/formulaires/${code}`,
  booking: '/rendez-vous',
  bookingSlots: '/rendez-vous/creneaux',
  bookingDetails: '/rendez-vous/coordonnees',
  bookingCode: (reference: string) => `/rendez-vous/code/${reference}`,
  bookingDone: (reference: string) => `/rendez-vous/confirmation/${reference}`,
  manage: '/rendez-vous/gerer',
  cancel: '/rendez-vous/annuler',
  reschedule: '/rendez-vous/deplacer',
  tracking: '/suivi',
  registration: '/immatriculation',
  payment: '/paiement',
  paymentStart: '/paiement/regler',
  paymentReturn: (invoiceId: string) => `/paiement/retour/${invoiceId}`,
  paymentSimulation: '/paiement/simulation',
  /** Where a mobile money payer waits while approving on their phone (the MoMo provider's redirect). */
  paymentWaiting: (checkoutId: string) => `/paiement/attente/${checkoutId}`,
  survey: '/enquete',
  kiosk: '/borne',
  kioskExit: '/borne/quitter',
  /** The link of a roll-call SMS: short, as it travels in the SMS (`/r/<token>`). */
  rollCall: (token: string) => `/r/${token}`,
  visa: '/visa',
  laissezPasser: '/laissez-passer',
  /** The issued visa or laissez-passer as a PDF, with the tracking number and the secret. */
  visaDocument: '/visa/document',
  /** The documents an agent asked for, sent with the tracking number and the secret. */
  visaMoreInfo: '/visa/complement',
  stylesheet: '/static/portal.css',
} as const;

/** The service the route list uses as its example. */
export const EXAMPLE_SERVICE = 'passport-renewal';

/**
 * Every portal page a visitor can open directly with GET (with the example service), for tests and
 * the browser walk. Pages reached through a booking step are in {@link PORTAL_STEP_ROUTES}.
 */
export const PORTAL_ROUTES: readonly string[] = [
  PORTAL_PATHS.home,
  PORTAL_PATHS.mission,
  PORTAL_PATHS.services,
  PORTAL_PATHS.service(EXAMPLE_SERVICE),
  PORTAL_PATHS.faq,
  PORTAL_PATHS.forms,
  PORTAL_PATHS.form(EXAMPLE_SERVICE),
  PORTAL_PATHS.booking,
  `${PORTAL_PATHS.bookingSlots}?service=${EXAMPLE_SERVICE}`,
  PORTAL_PATHS.manage,
  PORTAL_PATHS.tracking,
  PORTAL_PATHS.registration,
  PORTAL_PATHS.payment,
  PORTAL_PATHS.survey,
  PORTAL_PATHS.kiosk,
  PORTAL_PATHS.visa,
  PORTAL_PATHS.laissezPasser,
  PORTAL_PATHS.visaDocument,
];

/**
 * Pages that need the state of an earlier step, as templates: `:service`, `:slotStart` (a free
 * slot's UTC start, from the slot page), `:reference` (a held or confirmed booking), `:invoiceId`.
 */
export const PORTAL_STEP_ROUTES: readonly string[] = [
  `${PORTAL_PATHS.bookingDetails}?service=:service&creneau=:slotStart`,
  PORTAL_PATHS.bookingCode(':reference'),
  PORTAL_PATHS.bookingDone(':reference'),
  PORTAL_PATHS.paymentReturn(':invoiceId'),
];

/** Forms posted by the portal (each carries its CSRF token in `_csrf`). */
export const PORTAL_FORM_ROUTES: readonly string[] = [
  PORTAL_PATHS.bookingDetails,
  PORTAL_PATHS.bookingCode(':reference'),
  PORTAL_PATHS.manage,
  PORTAL_PATHS.cancel,
  PORTAL_PATHS.reschedule,
  PORTAL_PATHS.tracking,
  PORTAL_PATHS.registration,
  PORTAL_PATHS.payment,
  PORTAL_PATHS.paymentStart,
  PORTAL_PATHS.paymentSimulation,
  PORTAL_PATHS.survey,
  PORTAL_PATHS.rollCall(':token'),
  PORTAL_PATHS.visa,
  PORTAL_PATHS.laissezPasser,
  PORTAL_PATHS.visaDocument,
  PORTAL_PATHS.visaMoreInfo,
];
