import type { RollCall, RollCallPerson } from '../../services/roll-calls/index.js';
import { missionTime } from '../staff/staff-clock.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';

/** The statuses of a person as agents read them. */
export const STATUS_LABELS: Readonly<Record<string, string>> = {
  no_answer: 'Sans réponse',
  safe: 'En sécurité',
  need_help: 'Besoin d’aide',
  not_in_zone: 'Hors de la zone',
};

/** An agent's follow-up outcomes, in the order the form offers them. */
export const OUTCOME_LABELS: Readonly<Record<string, string>> = {
  reached_by_phone: 'Joint par téléphone',
  visited: 'Visité',
  evacuated: 'Évacué',
  unreachable: 'Injoignable',
};

const CHANNEL_LABELS: Readonly<Record<string, string>> = {
  sms: 'SMS',
  ussd: 'USSD',
  web: 'lien web',
  agent: 'agent',
};

/** Durations a consul may give a roll-call, in hours, with their labels. */
export const DURATIONS: Readonly<Record<string, string>> = {
  '6': '6 heures',
  '12': '12 heures',
  '24': '24 heures',
  '48': '2 jours',
  '72': '3 jours',
  '168': '7 jours',
};

/** A roll-call as its pages show it: times in the mission's zone, the zone in words. */
export function rollCallView(deps: StaffHttpDeps, rollCall: RollCall) {
  const zone = rollCall.zone;
  return {
    id: rollCall.id,
    title: rollCall.title,
    message: rollCall.message.fr,
    zone:
      'all' in zone
        ? 'Tous les ressortissants'
        : 'cities' in zone
          ? `Villes : ${zone.cities.join(', ')}`
          : `Régions : ${zone.regions.join(', ')}`,
    isOpen: rollCall.state === 'open',
    state: rollCall.state === 'open' ? 'En cours' : 'Clôturé',
    origin: rollCall.origin === 'directive' ? 'directive du ministère' : 'mission',
    startedBy: rollCall.startedBy,
    startedAt: missionTime(deps, rollCall.startedAt),
    endsAt: missionTime(deps, rollCall.endsAt),
    closedAt: rollCall.closedAt ? missionTime(deps, rollCall.closedAt) : null,
    counts: rollCall.counts,
  };
}

/** A person to follow up, with what the page shows of their answer and outcome. */
export function personView(deps: StaffHttpDeps, person: RollCallPerson) {
  return {
    ...person,
    statusLabel: STATUS_LABELS[person.status] ?? person.status,
    answered:
      person.answeredAt === null
        ? null
        : `${missionTime(deps, person.answeredAt)}${person.answerChannel ? ` (${CHANNEL_LABELS[person.answerChannel] ?? person.answerChannel})` : ''}`,
    outcomeLabel: person.outcome === null ? null : (OUTCOME_LABELS[person.outcome] ?? person.outcome),
  };
}

/**
 * The ministry's request for the list of the people who need help as the consul reads it, with the
 * buttons the consul may press; null when the directive asked for no list.
 */
export function needHelpListView(deps: StaffHttpDeps, rollCall: RollCall, isConsul: boolean) {
  const request = rollCall.needHelpList;
  if (!request.requested) return null;
  const decided = request.decidedAt === null ? null : missionTime(deps, request.decidedAt);
  const isOpen = rollCall.state === 'open';
  const state =
    request.decision === 'approved'
      ? `Envoi approuvé par ${request.decidedBy} le ${decided}${isOpen ? ' : la liste part au ministère et suit les réponses et les suivis.' : ' ; l’appel est clôturé, la liste n’est plus mise à jour.'}`
      : request.decision === 'refused'
        ? `Envoi refusé par ${request.decidedBy} le ${decided}${request.sent ? ' : le ministère a été prié d’effacer la liste reçue.' : ' : rien n’a été transmis.'}`
        : 'En attente de votre décision : rien n’est transmis tant que vous n’avez pas approuvé.';
  return {
    state,
    canApprove: isOpen && isConsul && request.decision !== 'approved',
    canRefuse: isOpen && isConsul && request.decision !== 'refused',
    isApproved: request.decision === 'approved',
  };
}
