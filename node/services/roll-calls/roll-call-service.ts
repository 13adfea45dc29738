import { commitGroupOf } from '../../db/commit-group.js';
import type { Store } from '../../db/store.js';
import { type InboundOutcome, type InboundSms, recordInboundSms } from './roll-call-answers.js';
import { type RollCallChannels, rollCallChannels } from './roll-call-channels.js';
import { closeRollCall } from './roll-call-close.js';
import { listRollCalls, loadRollCall, type RollCall } from './roll-call-counts.js';
import { closeDueRollCallsWithCounts, withCounts } from './roll-call-events.js';
import {
  type KeptReply,
  keptReplies,
  type RollCallPerson,
  recordOutcome,
  rollCallPeople,
} from './roll-call-follow-up.js';
import { decideNeedHelpList, type NeedHelpDecision } from './roll-call-need-help.js';
import { queueRollCallSms } from './roll-call-queue.js';
import type { RollCallStatus } from './roll-call-schema.js';
import { type RollCallStarter, type StartOutcome, startRollCall } from './roll-call-start.js';

/** What the roll-call service needs. */
export interface RollCallDeps {
  readonly store: Store;
  readonly now?: () => Date;
  /** The node's public address: roll-call SMS then carry a link to answer on the web. */
  readonly publicUrl?: string | undefined;
}

/**
 * Crisis roll-calls: "are you safe?" to the registered nationals of a zone, one SMS per phone,
 * answers by SMS counted per person. Refusals are RollCallError with stable codes.
 */
export interface RollCallService extends RollCallChannels {
  /** Starts a roll-call (or, with `dryRun`, tells what it would reach); input as the staff API takes it. */
  start(input: unknown, starter: RollCallStarter): StartOutcome;
  /** Queues the SMS of the phones not queued yet; how many (none twice). */
  queue(id: string): number;
  get(id: string): RollCall;
  list(limit?: number): RollCall[];
  /** The people reached, optionally one or those in some statuses, with phone and address. */
  people(id: string, filter?: { personId?: string; statuses?: readonly RollCallStatus[] }): RollCallPerson[];
  /** Free-text and late replies, for an agent to read. */
  replies(id: string): KeptReply[];
  /** An agent's follow-up of one person (input `{ outcome, status? }`). */
  recordOutcome(id: string, personId: string, input: unknown, actor: string): RollCallPerson;
  /** An SMS the gateway received: an answer, free text, late or from an unknown number. */
  receiveSms(sms: InboundSms): InboundOutcome;
  /**
   * {@link receiveSms} in the connection's commit group: answered once on disk, the SMS arriving
   * together sharing one disk sync (the gateway's callbacks come in bursts after a roll-call).
   */
  receiveSmsDurably(sms: InboundSms): Promise<InboundOutcome>;
  /** Closes by hand; false when it was already closed. */
  close(id: string, actor: string): boolean;
  /**
   * The consul approves or refuses the ministry's request for the list of the people who need help
   * (audited); approved, the list goes to the hub and follows the answers until refused or closed.
   * False when it was already so.
   */
  decideNeedHelpList(id: string, decision: NeedHelpDecision, actor: string): boolean;
  /** Closes the roll-calls whose end has come (the job). */
  closeDue(): string[];
}

/** Builds the service over a store. */
export function createRollCallService(deps: RollCallDeps): RollCallService {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  // An answer or free text changes the counts; a duplicate, a late reply or an unknown phone does not.
  const receiveCounted = (sms: InboundSms) =>
    withCounts(
      store,
      now,
      () => recordInboundSms(store, sms, now()),
      (out) => (out.duplicate || out.disposition === 'late' ? null : out.rollCallId),
    );
  return {
    ...rollCallChannels(store, now),
    // Each change writes the roll-call's counts for the hub in its own transaction (roll-call-events.ts).
    start: (input, starter) =>
      withCounts(
        store,
        now,
        () => startRollCall(store, input, starter, now(), deps.publicUrl),
        (out) => (out.dryRun ? null : out.id),
      ),
    queue: (id) => queueRollCallSms(store, id, now(), deps.publicUrl),
    get: (id) => loadRollCall(store, id),
    list: (limit) => listRollCalls(store, limit),
    people: (id, filter) => {
      loadRollCall(store, id);
      return rollCallPeople(store, id, filter);
    },
    replies: (id) => {
      loadRollCall(store, id);
      return keptReplies(store, id);
    },
    recordOutcome: (id, personId, input, actor) =>
      withCounts(
        store,
        now,
        () => recordOutcome(store, id, personId, input, actor, now()),
        () => id,
      ),
    receiveSms: (sms) => receiveCounted(sms),
    // Looked up per call, as the connection's group is made on first use and forgotten on close.
    receiveSmsDurably: (sms) => commitGroupOf(store.db).run(() => receiveCounted(sms)),
    close: (id, actor) =>
      withCounts(
        store,
        now,
        () => closeRollCall(store, id, actor, now()),
        (closed) => (closed ? id : null),
      ),
    decideNeedHelpList: (id, decision, actor) => decideNeedHelpList(store, id, decision, actor, now()),
    closeDue: () => closeDueRollCallsWithCounts(store, now()),
  };
}
