import type { Person as RegistryPerson } from '../../../protocol/index.js';
import { REGISTRY_SUBMISSION } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { enqueueMessage } from '../outbox/pending-messages.js';
import { type RecordedIdentityCheck, submittedCheck } from '../registrations/identity-check.js';
import type { CivilStatusRecord } from './civil-status-rows.js';
import { MAIN_ROLE, type Participant } from './civil-status-schema.js';

/** The person of the event the national registry is asked about: the child, the deceased, the first spouse. */
export function mainParticipant(record: CivilStatusRecord): Participant {
  const main = record.persons.find((person) => person.role === MAIN_ROLE[record.kind]);
  if (main === undefined) throw new TypeError(`record ${record.id} has no ${MAIN_ROLE[record.kind]}`);
  return main;
}

/**
 * Queues the registry.submission of a transcribed event, in the transcription's transaction, with
 * the document the agent checked when they recorded one. For a birth, the child is born on the
 * event's date and place, of the father and mother named.
 */
export function queueCivilStatusSubmission(
  store: Store,
  record: CivilStatusRecord,
  at: string,
  check: RecordedIdentityCheck | undefined,
): void {
  const submissionId = record.registry.submissionId;
  if (submissionId === null) throw new TypeError(`record ${record.id} has no submission id`);
  enqueueMessage(store, REGISTRY_SUBMISSION, {
    submissionId,
    kind: record.kind,
    recordId: record.id,
    person: registryPerson(record),
    eventDate: record.eventDate,
    eventPlace: record.eventPlace,
    submittedAt: at,
    ...submittedCheck(check),
  });
}

function registryPerson(record: CivilStatusRecord): RegistryPerson {
  const main = mainParticipant(record);
  const person: RegistryPerson = {
    givenNames: main.givenNames,
    familyName: main.familyName,
    ...(main.nationalId ? { nationalId: main.nationalId } : {}),
    ...(main.sex ? { sex: main.sex } : {}),
    ...(main.birthDate ? { birthDate: main.birthDate } : {}),
    ...(main.birthPlace ? { birthPlace: main.birthPlace } : {}),
  };
  if (record.kind !== 'birth') return person;
  const parent = (role: 'father' | 'mother') => {
    const found = record.persons.find((p) => p.role === role);
    return found ? `${found.givenNames} ${found.familyName}`.slice(0, 200) : undefined;
  };
  const fatherName = parent('father');
  const motherName = parent('mother');
  return {
    ...person,
    birthDate: record.eventDate,
    birthPlace: record.eventPlace,
    ...(fatherName ? { fatherName } : {}),
    ...(motherName ? { motherName } : {}),
  };
}
