import { randomUUID } from 'node:crypto';
import type { Person as RegistryPerson } from '../../../protocol/index.js';
import { REGISTRY_SUBMISSION } from '../../../protocol/index.js';
import { immediateTransaction } from '../../db/transaction.js';
import { enqueueMessage } from '../outbox/pending-messages.js';
import { parseInput, RegistrationError, RegistrationErrorCode } from './errors.js';
import { type RecordedIdentityCheck, submittedCheck } from './identity-check.js';
import { emitCensusEvent, REGISTRATION_ENTITY, RegistrationEvent } from './registration-census.js';
import { auditRegistration, type RegistrationContext } from './registration-change.js';
import { appendConsent } from './registration-consent.js';
import {
  loadRegistration,
  type Registration,
  type RegistrationDraft,
  saveRegistration,
  selectRegistrations,
} from './registration-rows.js';
import { CONSENT_PURPOSES, type RegistrationInput, registrationInputSchema } from './registration-schema.js';
import { recordTransition } from './workflow-log.js';

const CLOSED = new Set(['rejected', 'deregistered']);

/**
 * Registers a national: validates, refuses without consent to processing, creates the person when
 * new, and records the registration, its consents, its first workflow step, its audit entry and
 * (with census consent) its census event in one transaction.
 */
export function submitRegistration(ctx: RegistrationContext, input: RegistrationInput, actor: string) {
  const parsed = parseInput(registrationInputSchema(ctx.defaultRegion, ctx.today), input);
  if (!parsed.consents.processing) {
    throw new RegistrationError(
      RegistrationErrorCode.ConsentRequired,
      'a registration cannot be processed without consent to its processing',
    );
  }
  const { store } = ctx;
  return immediateTransaction(store.db, (): Registration => {
    const personId = resolvePerson(ctx, parsed, actor);
    const at = ctx.now().toISOString();
    const { personId: _id, person: _person, channel, census, consents, ...details } = parsed;
    const draft: RegistrationDraft = {
      id: randomUUID(),
      personId,
      state: 'submitted',
      channel,
      details,
      census,
      submittedAt: at,
      expiresAt: null,
      updatedAt: at,
      registry: { state: 'none', submissionId: null, decision: null, decidedAt: null },
    };
    saveRegistration(store, draft);
    for (const purpose of CONSENT_PURPOSES) {
      const entry = { purpose, granted: consents[purpose], at, method: channel, actor };
      appendConsent(store, draft.id, { ...entry, textVersion: consents.textVersion });
    }
    recordTransition(store, REGISTRATION_ENTITY, draft.id, { from: null, to: 'submitted', actor, at });
    const after = loadRegistration(store, draft.id) as Registration;
    auditRegistration(store, actor, RegistrationEvent.Submitted, null, after, at);
    emitCensusEvent(store, after, RegistrationEvent.Submitted, at);
    return after;
  });
}

type ParsedInput = ReturnType<ReturnType<typeof registrationInputSchema>['parse']>;

function resolvePerson(ctx: RegistrationContext, parsed: ParsedInput, actor: string): string {
  let personId: string;
  if (parsed.person !== undefined) {
    personId = ctx.people.create(parsed.person, actor).id;
  } else {
    personId = parsed.personId as string;
    if (ctx.people.get(personId) === undefined)
      throw new RegistrationError(RegistrationErrorCode.PersonNotFound, `no person ${personId}`);
  }
  const open = selectRegistrations(ctx.store, 'person_id', personId).filter((r) => !CLOSED.has(r.state));
  if (open.length > 0) {
    throw new RegistrationError(
      RegistrationErrorCode.AlreadyRegistered,
      'this person already holds an open registration',
    );
  }
  return personId;
}

/**
 * Queues the registry.submission of a verified registration, in the verification's transaction:
 * the national registry learns of the person once, when an agent has seen their documents, with
 * the identity document the agent checked when they recorded one.
 */
export function queueRegistrationSubmission(
  ctx: RegistrationContext,
  draft: RegistrationDraft,
  at: string,
  check: RecordedIdentityCheck | undefined,
) {
  const person = ctx.people.get(draft.personId);
  const submissionId = draft.registry.submissionId;
  if (person === undefined || submissionId === null) throw new TypeError('verified without person or id');
  const { details } = draft;
  const registryPerson: RegistryPerson = {
    givenNames: person.givenNames,
    familyName: person.familyName,
    ...(details.nationalId ? { nationalId: details.nationalId } : {}),
    ...(details.sex ? { sex: details.sex } : {}),
    ...(person.birthDate ? { birthDate: person.birthDate } : {}),
    ...(details.birthPlace ? { birthPlace: details.birthPlace } : {}),
    ...(details.fatherName ? { fatherName: details.fatherName } : {}),
    ...(details.motherName ? { motherName: details.motherName } : {}),
  };
  enqueueMessage(ctx.store, REGISTRY_SUBMISSION, {
    submissionId,
    kind: 'registration',
    recordId: draft.id,
    person: registryPerson,
    submittedAt: at,
    ...submittedCheck(check),
  });
}
