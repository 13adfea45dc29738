import type { CivilStatusRecord, CivilStatusState } from '../../services/civil-status/civil-status-rows.js';
import { MAIN_ROLE } from '../../services/civil-status/civil-status-schema.js';
import type { Transition } from '../../services/registrations/workflow-log.js';
import { missionTime } from '../staff/staff-clock.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { type RegistryView, registryView } from './registry-labels.js';

/** Transcription states as agents read them, in workflow order (the list's tabs). */
export const CIVIL_STATUS_STATES: Readonly<Record<CivilStatusState, string>> = {
  submitted: 'Reçues',
  under_review: 'En instruction',
  transcribed: 'Transcrites',
  rejected: 'Rejetées',
};

const KINDS: Readonly<Record<string, string>> = { birth: 'Naissance', marriage: 'Mariage', death: 'Décès' };

const ROLES: Readonly<Record<string, string>> = {
  child: 'Enfant',
  father: 'Père',
  mother: 'Mère',
  spouse: 'Conjoint',
  deceased: 'Défunt',
  declarant: 'Déclarant',
};

/** A transcription in a list row: the kind, the main person, the event and the registry's answer. */
export interface CivilStatusRow {
  readonly id: string;
  readonly kind: string;
  readonly state: CivilStatusState;
  readonly stateLabel: string;
  readonly mainPerson: string;
  readonly event: string;
  readonly submitted: string;
  readonly channel: string;
  readonly registry: RegistryView;
}

/** A transcription as the list shows it. */
export function civilStatusRow(deps: StaffHttpDeps, record: CivilStatusRecord): CivilStatusRow {
  const main = record.persons.find((person) => person.role === MAIN_ROLE[record.kind]);
  return {
    id: record.id,
    kind: KINDS[record.kind] ?? record.kind,
    state: record.state,
    stateLabel: CIVIL_STATUS_STATES[record.state],
    mainPerson: main ? `${main.givenNames} ${main.familyName}` : '',
    event: `${record.eventDate}, ${record.eventPlace} (${record.eventCountry})`,
    submitted: missionTime(deps, record.submittedAt),
    channel: record.channel === 'online' ? 'En ligne' : 'Guichet',
    registry: registryView(deps, record.registry, record.registry.nationalId),
  };
}

/** Everything the review page shows of a transcription: persons, source document, history. */
export function civilStatusDetail(deps: StaffHttpDeps, record: CivilStatusRecord, history: Transition[]) {
  return {
    ...civilStatusRow(deps, record),
    actNumber: record.actNumber ?? null,
    source: record.source,
    persons: record.persons.map((person) => ({
      ...person,
      roleLabel: ROLES[person.role] ?? person.role,
      isMain: person.role === MAIN_ROLE[record.kind],
    })),
    history: history.map((step) => ({
      ...step,
      when: missionTime(deps, step.at),
      toLabel: CIVIL_STATUS_STATES[step.to as CivilStatusState] ?? step.to,
    })),
    canReview: record.state === 'submitted',
    canTranscribe: record.state === 'under_review',
    canReject: record.state === 'submitted' || record.state === 'under_review',
  };
}
