import { newRowId } from '../../db/row-id.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { parseInput, RollCallError, RollCallErrorCode } from './errors.js';
import { insertAndQueue } from './roll-call-queue.js';
import { startRollCallSchema } from './roll-call-schema.js';
import { planTargets, type TargetPlan } from './roll-call-targets.js';

/** The audit log's entity for roll-calls. */
export const ROLL_CALL_ENTITY = 'roll_call';

/** How many a roll-call reaches: registered people, their phones, and the SMS (one per phone). */
export interface RollCallReach {
  readonly people: number;
  readonly phones: number;
  readonly sms: number;
  /** Registered nationals of the zone without a phone: the SMS cannot reach them. */
  readonly withoutPhone: number;
}

/** What starting a roll-call returns: its id, or with `dryRun` only what it would reach. */
export type StartOutcome =
  | { readonly dryRun: true; readonly reach: RollCallReach }
  | { readonly dryRun: false; readonly id: string; readonly reach: RollCallReach; readonly queued: number };

/** Who started a roll-call: a consul at the mission, or a directive of the ministry. */
export interface RollCallStarter {
  readonly actor: string;
  readonly directiveId?: string;
  /**
   * The directive asks for the list of the people who need help (`rollCall.needHelpList`): the
   * consul is then asked to approve it. A mission's own roll-call never asks.
   */
  readonly needHelpList?: boolean;
}

/**
 * Starts a roll-call — targets, one SMS row per phone, the SMS queued — in one transaction, so a
 * crash leaves either nothing or a roll-call whose every SMS is in the outbox. With `dryRun`,
 * writes nothing and tells how many people, phones and SMS it would reach.
 */
export function startRollCall(
  store: Store,
  input: unknown,
  starter: RollCallStarter,
  now: Date,
  publicUrl?: string,
): StartOutcome {
  const parsed = parseInput(startRollCallSchema, input);
  if (Date.parse(parsed.endsAt) <= now.getTime()) {
    throw new RollCallError(RollCallErrorCode.InvalidInput, 'the roll-call must end in the future', {
      issues: { properties: { endsAt: { errors: ['must be in the future'] } } },
    });
  }
  if (parsed.dryRun) return { dryRun: true, reach: reachOf(planTargets(store, parsed.zone)) };
  return immediateTransaction(store.db, () => {
    const started = starter.directiveId === undefined ? undefined : startedFor(store, starter.directiveId);
    if (started) return { dryRun: false as const, id: started, reach: reachSoFar(store, started), queued: 0 };
    const plan = planTargets(store, parsed.zone);
    const id = newRowId();
    const at = now.toISOString();
    store.db
      .prepare(
        `INSERT INTO roll_calls (id, title, message_fr, message_sg, message_en, zone, ends_at, state, origin,
           directive_id, started_by, started_at, need_help_requested)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        parsed.title,
        parsed.message.fr,
        parsed.message.sg,
        parsed.message.en,
        JSON.stringify(parsed.zone),
        new Date(parsed.endsAt).toISOString(),
        starter.directiveId === undefined ? 'local' : 'directive',
        starter.directiveId ?? null,
        starter.actor,
        at,
        starter.directiveId !== undefined && starter.needHelpList === true ? 1 : 0,
      );
    const queued = insertAndQueue(store, id, plan, now, publicUrl);
    const reach = reachOf(plan);
    appendAudit(store.db, {
      actor: starter.actor,
      action: 'roll_call.started',
      entity: ROLL_CALL_ENTITY,
      entityId: id,
      afterDigest: digestRecord(store.keys.audit, { title: parsed.title, zone: parsed.zone, reach }),
      at,
    });
    return { dryRun: false as const, id, reach, queued };
  });
}

// A directive is delivered at least once (the link resends what the hub has not seen
// acknowledged): the roll-call it started is the answer to it again, never a second one.
function startedFor(store: Store, directiveId: string): string | undefined {
  return store.db.prepare('SELECT id FROM roll_calls WHERE directive_id = ?').pluck().get(directiveId) as
    | string
    | undefined;
}

function reachSoFar(store: Store, id: string): RollCallReach {
  const count = (sql: string) => store.db.prepare(sql).pluck().get(id) as number;
  const phones = count('SELECT count(*) FROM roll_call_phones WHERE roll_call_id = ?');
  return {
    people: count('SELECT count(*) FROM roll_call_targets WHERE roll_call_id = ?'),
    phones,
    sms: phones,
    withoutPhone: count(
      'SELECT count(*) FROM roll_call_targets WHERE roll_call_id = ? AND phone_bidx IS NULL',
    ),
  };
}

function reachOf(plan: TargetPlan): RollCallReach {
  return {
    people: plan.people,
    phones: plan.phones.length,
    sms: plan.phones.length,
    withoutPhone: plan.withoutPhone.length,
  };
}
