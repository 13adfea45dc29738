/** Languages of the USSD menu: French (the default) and Sango. */
export type UssdLang = 'fr' | 'sg';

/** Why a typed tracking number gave no status. */
export type TrackProblem = 'invalid' | 'not_found' | 'other_mission';

/** Every wording of the menu in one language. Plain ASCII: see ussd-text.ts. */
export interface UssdMessages {
  readonly title: string;
  readonly menu: readonly [track: string, appointment: string, fees: string, hours: string];
  /** The option that switches to the other language. */
  readonly otherLanguage: string;
  readonly invalidChoice: string;
  readonly tooManyErrors: string;
  readonly back: string;
  readonly more: string;
  readonly trackPrompt: (example: string) => string;
  readonly trackProblem: Readonly<Record<TrackProblem, string>>;
  readonly fileStatus: (trackingNumber: string, label: string, since: string) => string;
  readonly service: (name: string) => string;
  readonly noPhone: string;
  readonly noAppointment: string;
  readonly nextAppointment: (date: string, time: string) => string;
  readonly bring: string;
  readonly otherAppointments: (count: number) => string;
  readonly feesHeader: string;
  readonly feesOf: (name: string) => string;
  readonly noServices: string;
  readonly hoursHeader: string;
  readonly noHours: string;
  readonly closedOn: (day: string) => string;
  /** ISO weekday 1 (Monday) to 7, short. */
  readonly weekdays: readonly string[];
  /** The menu's first entry while a roll-call is open for the caller. */
  readonly rollCallEntry: string;
  readonly rollCallAnswers: readonly [safe: string, needHelp: string, notInZone: string];
  readonly rollCallThanks: string;
  /** Said after "need help": what happens next. */
  readonly rollCallHelp: string;
  readonly rollCallClosed: string;
}

// The Sango wording is a first draft, like the SMS texts: it awaits a native speaker's review.
export const USSD_MESSAGES: Readonly<Record<UssdLang, UssdMessages>> = {
  fr: {
    title: 'Consulat RCA',
    menu: ['Suivi de dossier', 'Mon prochain RDV', 'Tarifs des services', 'Horaires'],
    otherLanguage: 'Sango',
    invalidChoice: 'Choix invalide.',
    tooManyErrors: "Trop d'erreurs. Recomposez le code pour recommencer.",
    back: 'Menu',
    more: 'Suite',
    trackPrompt: (example) => `Numero de dossier (ex: ${example}):`,
    trackProblem: {
      invalid: 'Numero invalide, verifiez-le.',
      not_found: 'Aucun dossier avec ce numero.',
      other_mission: 'Ce dossier est suivi par une autre mission.',
    },
    fileStatus: (tracking, label, since) => `Dossier ${tracking}: ${label}, depuis le ${since}.`,
    service: (name) => `Service: ${name}`,
    noPhone: "Votre numero de telephone n'a pas pu etre lu.",
    noAppointment: 'Aucun rendez-vous a venir pour ce numero.',
    nextAppointment: (date, time) => `Prochain RDV: ${date} a ${time}`,
    bring: 'Venez avec la piece indiquee.',
    otherAppointments: (count) => `Et ${count} autre(s) RDV pour ce numero.`,
    feesHeader: 'Tarifs - choisissez:',
    feesOf: (name) => `Tarifs ${name}:`,
    noServices: 'Aucun service en ligne pour le moment.',
    hoursHeader: 'Horaires (heure locale):',
    noHours: 'Horaires non communiques. Appelez le consulat.',
    closedOn: (day) => `Ferme le ${day}.`,
    weekdays: ['Lun', 'Mar', 'Mer', 'Jeu', 'Ven', 'Sam', 'Dim'],
    rollCallEntry: 'Appel de securite: repondre',
    rollCallAnswers: ['En securite', "Besoin d'aide", 'Hors de la zone'],
    rollCallThanks: 'Merci, votre reponse est enregistree pour les personnes de ce numero.',
    rollCallHelp: 'Le consulat voit votre demande. En danger immediat, appelez les secours.',
    rollCallClosed: "L'appel de securite est termine. Appelez le consulat si besoin.",
  },
  sg: {
    title: 'Konsula ti Beafrika',
    menu: ['Dossier ti mo', 'RDV ti mo', 'Ngere ti aservice', 'Ngbonga ti kua'],
    otherLanguage: 'Francais',
    invalidChoice: 'Choix ni ayeke nzoni pepe.',
    tooManyErrors: 'Afaute awu mingi. Kiri ti sara code ni.',
    back: 'Menu',
    more: 'Ti peko',
    trackPrompt: (example) => `Numero ti dossier ti mo (ex: ${example}):`,
    trackProblem: {
      invalid: 'Numero ni ayeke nzoni pepe.',
      not_found: 'Dossier ti numero so ayeke pepe.',
      other_mission: 'Dossier so ayeke na mbeni konsula.',
    },
    fileStatus: (tracking, label, since) => `Dossier ti mo ${tracking}: ${label} (lango ${since}).`,
    service: (name) => `Service: ${name}`,
    noPhone: 'E lingbi ti diko numero ti mo pepe.',
    noAppointment: 'RDV ti mo ayeke pepe.',
    nextAppointment: (date, time) => `RDV ti mo: lango ${date} na ${time}`,
    bring: 'Ga na mbeti ti mo.',
    otherAppointments: (count) => `RDV ${count} nde na numero so.`,
    feesHeader: 'Ngere - soro mbeni:',
    feesOf: (name) => `Ngere ti ${name}:`,
    noServices: 'Service ayeke pepe ape.',
    hoursHeader: 'Ngbonga ti kua:',
    noHours: 'Ngbonga ayeke pepe. Iri konsula.',
    closedOn: (day) => `Konsula a kanga lango ${day}.`,
    weekdays: ['Bikua-oko', 'Bikua-use', 'Bikua-ota', 'Bikua-usio', 'Bikua-oku', 'Laposo', 'Layenga'],
    rollCallEntry: 'Hunda ti siriri: kiri tene',
    rollCallAnswers: ['Mbi yeke na siriri', 'Mbi ye mungo maboko', 'Mbi yeke na ndo so pepe'],
    rollCallThanks: 'Singila, a su kiringo tene ti mo teti azo ti numero so.',
    rollCallHelp: 'Konsula aba hundango ti mo. Tongana kpale ayeke fadeso, iri azo ti sauvetage.',
    rollCallClosed: 'Hunda ti siriri ahunzi awe. Iri konsula tongana mo ye mungo maboko.',
  },
};

/** The language a caller hears first: Sango for a Central African number, French otherwise. */
export function defaultLanguage(phone: string | undefined): UssdLang {
  return phone?.startsWith('+236') ? 'sg' : 'fr';
}
