import { randomUUID } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { createPeopleRepository } from '../people/people-repository.js';
import {
  type IdentityCheckInput,
  identityCheckInputSchema,
  identityCheckOf,
  type RecordedIdentityCheck,
  recordIdentityCheck,
} from '../registrations/identity-check.js';
import { utcDay } from '../registrations/partial-date.js';
import { listTransitions, recordTransition, type Transition } from '../registrations/workflow-log.js';
import {
  CIVIL_STATUS_ENTITY,
  type CivilStatusContext,
  CivilStatusEvent,
  changeCivilStatus,
  recordCivilStatusChange,
} from './civil-status-change.js';
import {
  type CivilStatusRecord,
  type CivilStatusState,
  civilStatusInState,
  insertParticipants,
  loadCivilStatus,
  saveCivilStatus,
} from './civil-status-rows.js';
import { type CivilStatusInput, civilStatusInputSchema, roleProblem } from './civil-status-schema.js';
import { queueCivilStatusSubmission } from './civil-status-submission.js';
import { CivilStatusError, CivilStatusErrorCode, parseInput } from './errors.js';

/** What the civil-status service needs. */
export interface CivilStatusDeps {
  readonly store: Store;
  readonly defaultRegion: CountryCode;
  readonly now?: () => Date;
}

/** Transcription of births, marriages and deaths of nationals abroad. Refusals throw CivilStatusError. */
export interface CivilStatusService {
  submit(input: CivilStatusInput, actor: string): CivilStatusRecord;
  get(id: string): CivilStatusRecord | undefined;
  /** Requests in one state, oldest first, at most `limit` (200 by default): the agents' list. */
  listInState(state: CivilStatusState, limit?: number): CivilStatusRecord[];
  history(id: string): Transition[];
  startReview(id: string, actor: string): CivilStatusRecord;
  /**
   * Transcribes into the consular register and queues the registry.submission of the main person;
   * with `check`, the document the agent held (the foreign act, or the person's papers), without
   * which the registry issues no national ID and sends none back before an officer decides.
   */
  transcribe(id: string, actor: string, actNumber?: string, check?: IdentityCheckInput): CivilStatusRecord;
  /** The identity document an agent checked for the transcription, if one did. */
  identityCheck(id: string): RecordedIdentityCheck | undefined;
  reject(id: string, actor: string, reason: string): CivilStatusRecord;
}

const actNumberSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9/._-]{1,40}$/);
const reasonSchema = z.string().trim().min(1).max(500);

/** Builds the service over a store. */
export function createCivilStatusService(deps: CivilStatusDeps): CivilStatusService {
  const now = deps.now ?? (() => new Date());
  const ctx: CivilStatusContext = {
    store: deps.store,
    people: createPeopleRepository({ store: deps.store, defaultRegion: deps.defaultRegion, now }),
    now,
    today: utcDay(now),
  };
  return {
    submit: (input, actor) => submitCivilStatus(ctx, input, actor),
    get: (id) => loadCivilStatus(ctx.store, id),
    listInState: (state, limit = 200) => civilStatusInState(ctx.store, state, limit),
    history: (id) => listTransitions(ctx.store, CIVIL_STATUS_ENTITY, id),
    startReview: (id, actor) =>
      changeCivilStatus(ctx, {
        id,
        actor,
        kind: CivilStatusEvent.ReviewStarted,
        to: 'under_review',
        apply: (before) => ({ ...before, state: 'under_review' }),
      }),
    transcribe: (id, actor, actNumber, check) => transcribe(ctx, id, actor, actNumber, check),
    identityCheck: (id) => identityCheckOf(ctx.store, CIVIL_STATUS_ENTITY, id),
    reject: (id, actor, reason) =>
      changeCivilStatus(ctx, {
        id,
        actor,
        kind: CivilStatusEvent.Rejected,
        to: 'rejected',
        reason: parseInput(reasonSchema, reason),
        apply: (before) => ({ ...before, state: 'rejected' }),
      }),
  };
}

function submitCivilStatus(ctx: CivilStatusContext, input: CivilStatusInput, actor: string) {
  const parsed = parseInput(civilStatusInputSchema(ctx.today), input);
  const problem = roleProblem(parsed.kind, parsed.persons);
  if (problem !== undefined) throw new CivilStatusError(CivilStatusErrorCode.InvalidRoles, problem);
  const { store } = ctx;
  return immediateTransaction(store.db, (): CivilStatusRecord => {
    for (const { personId } of parsed.persons) {
      if (personId !== undefined && ctx.people.get(personId) === undefined)
        throw new CivilStatusError(CivilStatusErrorCode.PersonNotFound, `no person ${personId}`);
    }
    const at = ctx.now().toISOString();
    const record: CivilStatusRecord = {
      ...parsed,
      id: randomUUID(),
      state: 'submitted',
      submittedAt: at,
      updatedAt: at,
      registry: { state: 'none', submissionId: null, decision: null, decidedAt: null },
    };
    saveCivilStatus(store, record);
    insertParticipants(store, record.id, record.persons);
    recordTransition(store, CIVIL_STATUS_ENTITY, record.id, { from: null, to: 'submitted', actor, at });
    recordCivilStatusChange(store, actor, CivilStatusEvent.Submitted, null, record, at);
    return record;
  });
}

function transcribe(
  ctx: CivilStatusContext,
  id: string,
  actor: string,
  actNumber?: string,
  check?: IdentityCheckInput,
) {
  const act = actNumber === undefined ? undefined : parseInput(actNumberSchema, actNumber);
  const document = check === undefined ? undefined : parseInput(identityCheckInputSchema, check).documentKind;
  return changeCivilStatus(ctx, {
    id,
    actor,
    kind: CivilStatusEvent.Transcribed,
    to: 'transcribed',
    apply: (before) => ({
      ...before,
      state: 'transcribed',
      ...(act ? { actNumber: act } : {}),
      registry: { state: 'submitted', submissionId: randomUUID(), decision: null, decidedAt: null },
    }),
    alongside: (after, at) => {
      const checked =
        document === undefined
          ? undefined
          : recordIdentityCheck(ctx.store, CIVIL_STATUS_ENTITY, after.id, document, actor, at);
      queueCivilStatusSubmission(ctx.store, after, at, checked);
    },
  });
}
