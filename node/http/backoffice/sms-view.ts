import type { SmsPurpose, SmsStatus } from '../../services/outbox/sms-outbox.js';
import { can, type StaffPrincipal } from '../../services/staff/index.js';
import { SMS_READ_PERMISSION } from '../staff/sms-lookup.js';
import { missionTime } from '../staff/staff-clock.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';

/** Why an SMS was sent, as agents read it: one label per purpose the outbox knows. */
const PURPOSES: Readonly<Record<SmsPurpose, string>> = {
  booking_code: 'Code de réservation',
  booking_confirmed: 'Rendez-vous confirmé',
  booking_cancelled: 'Rendez-vous annulé',
  booking_rescheduled: 'Rendez-vous déplacé',
  reminder: 'Rappel de rendez-vous',
  waitlist_offer: 'Place libérée (liste d’attente)',
  file_status: 'Suivi de dossier',
  file_lookup_locked: 'Dossier verrouillé (mauvaises réponses)',
  payment_receipt: 'Reçu de paiement',
  roll_call: 'Recensement de crise',
  other: 'Autre',
};

/** An SMS's delivery state for a page: never its number or its text, which the outbox keeps sealed. */
export interface SmsLine {
  readonly purpose: string;
  readonly ref: string | null;
  readonly sent: boolean;
  readonly stateLabel: string;
  /** What the operator's delivery receipt said, in French; null while the SMS is not handed over. */
  readonly deliveryLabel: string | null;
  /** `delivered`, `undelivered` or `awaiting` (sent, no receipt yet): the row's style. */
  readonly deliveryState: 'delivered' | 'undelivered' | 'awaiting' | null;
  readonly deliveredAt: string | null;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly created: string;
  readonly sentAt: string | null;
  readonly nextAttempt: string | null;
}

/** One outbox row, labelled and in the mission's time. */
export function smsLine(deps: StaffHttpDeps, sms: SmsStatus): SmsLine {
  const sent = sms.state === 'sent';
  return {
    purpose: PURPOSES[sms.purpose] ?? sms.purpose,
    ref: sms.ref,
    sent,
    stateLabel: sent ? 'Envoyé' : sms.attempts > 0 ? 'En échec, nouvel essai prévu' : 'En attente d’envoi',
    ...deliveryOf(sms),
    deliveredAt: sms.deliveredAt ? missionTime(deps, sms.deliveredAt) : null,
    attempts: sms.attempts,
    lastError: sms.lastError,
    created: missionTime(deps, sms.createdAt),
    sentAt: sms.sentAt ? missionTime(deps, sms.sentAt) : null,
    nextAttempt: sms.nextAttemptAt ? missionTime(deps, sms.nextAttemptAt) : null,
  };
}

// The operator's words in SMPP receipts (SMPP 3.4 appendix B `stat`) and HTTP gateways' reports.
const UNDELIVERED_WORDS: ReadonlyArray<[RegExp, string]> = [
  [/expir/i, 'Expiré : téléphone injoignable pendant la durée de validité'],
  [/reject/i, 'Rejeté par l’opérateur'],
  [/delete/i, 'Supprimé par l’opérateur'],
  [/unknown|invalid/i, 'Numéro inconnu de l’opérateur'],
];

/** The delivery receipt's verdict as the counter reads it. */
function deliveryOf(sms: SmsStatus): Pick<SmsLine, 'deliveryLabel' | 'deliveryState'> {
  if (sms.delivery === 'delivered')
    return { deliveryState: 'delivered', deliveryLabel: 'Remis au téléphone' };
  if (sms.delivery === 'undelivered') {
    const word = sms.deliveryStatus ?? '';
    const known = UNDELIVERED_WORDS.find(([pattern]) => pattern.test(word))?.[1] ?? 'Non remis';
    return { deliveryState: 'undelivered', deliveryLabel: word ? `${known} (${word})` : known };
  }
  if (sms.state === 'sent')
    return { deliveryState: 'awaiting', deliveryLabel: 'Accusé de réception attendu' };
  return { deliveryState: null, deliveryLabel: null };
}

/** The SMS sent about one record (an appointment reference, a file or invoice id), newest first. */
export function smsOfRecord(deps: StaffHttpDeps, ref: string, limit = 20): SmsLine[] {
  return deps.domain.sms.statuses({ ref, limit }).map((sms) => smsLine(deps, sms));
}

/**
 * The SMS part of a record's page: its SMS (filed under `ref`) and what to filter the SMS page by
 * (`typed`: the tracking number of a file reads better than its id); nothing for a role that may
 * not read delivery states.
 */
export function smsSection(
  deps: StaffHttpDeps,
  principal: StaffPrincipal,
  ref: string,
  typed: string = ref,
): { sms: SmsLine[] | null; smsRef: string } {
  if (!can(principal, SMS_READ_PERMISSION)) return { sms: null, smsRef: typed };
  return { sms: smsOfRecord(deps, ref), smsRef: typed };
}

/** Where a row's ref leads in the back office, when it names a file or an invoice. */
export function refLink(deps: StaffHttpDeps, ref: string | null): { href: string; text: string } | null {
  if (ref === null) return null;
  const file = deps.domain.files.get(ref);
  if (file) return { href: `/dossiers/${file.id}`, text: `Dossier ${file.trackingNumber}` };
  if (deps.domain.payments.getInvoice(ref)) return { href: `/factures/${ref}`, text: 'Facture' };
  return null;
}
