import { decryptField, encryptField } from '../../crypto/field-cipher.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import type { Language } from '../catalogue/catalogue-schema.js';
import { enqueueSms } from '../outbox/sms-outbox.js';
import { RollCallError, RollCallErrorCode } from './errors.js';
import { rollCallSmsText } from './roll-call-sms-text.js';
import type { TargetPlan } from './roll-call-targets.js';
import { newRollCallTokens, rollCallLink, rollCallTokenHash } from './roll-call-token.js';

/** Where a roll-call phone's ciphertext is bound: the roll-call and the phone's index. */
export function phoneBinding(rollCallId: string, phoneBidx: Uint8Array) {
  return {
    table: 'roll_call_phones',
    column: 'phone_enc',
    rowId: `${rollCallId}/${Buffer.from(phoneBidx).toString('hex')}`,
  };
}

interface RollCallWords {
  title: string;
  message_fr: string;
  message_sg: string;
  message_en: string;
  state: string;
}

/**
 * Writes the SMS of one phone to the outbox — the title, the message in the household's language,
 * everyone's names and, with the node's public address, a link with a token of its own — and
 * returns its SMS id and the token's keyed hash, which is all the phone's row keeps of the token.
 */
function composer(
  store: Store,
  rollCallId: string,
  words: RollCallWords,
  now: Date,
  publicUrl: string | undefined,
) {
  const messages: Record<Language, string> = {
    fr: words.message_fr,
    sg: words.message_sg,
    en: words.message_en,
  };
  return (to: string, names: readonly string[], language: Language, token: string | undefined) => {
    const text = rollCallSmsText({
      title: words.title,
      message: messages[language],
      names,
      language,
      link: token === undefined || publicUrl === undefined ? undefined : rollCallLink(publicUrl, token),
    });
    const smsId = enqueueSms(store, { to, text, purpose: 'roll_call', ref: rollCallId }, now);
    return {
      smsId: smsId ?? null,
      tokenHash: token === undefined ? null : rollCallTokenHash(store.keys.index, token),
    };
  };
}

/**
 * A start's targets and SMS, from its plan, inside the start's transaction: per phone, in the
 * order of the phone's index (the order in which {@link queueRollCallSms} takes them, and the one
 * the tables keep, so that each page of their B-trees is met once), the SMS queued with the plan's
 * number and names, then the phone's row with its SMS id and token hash, then its people; then the
 * people without a phone. The numbers and names are the plan's: nothing is decrypted twice, and no
 * row written twice. Returns how many SMS were queued (one per phone).
 */
export function insertAndQueue(
  store: Store,
  rollCallId: string,
  plan: TargetPlan,
  now: Date,
  publicUrl: string | undefined,
): number {
  const words = store.db
    .prepare('SELECT title, message_fr, message_sg, message_en, state FROM roll_calls WHERE id = ?')
    .get(rollCallId) as RollCallWords;
  const sms = composer(store, rollCallId, words, now, publicUrl);
  const phone = store.db.prepare(
    `INSERT INTO roll_call_phones (roll_call_id, phone_bidx, phone_enc, language, sms_id, queued_at, token_hash)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const target = store.db.prepare(
    'INSERT INTO roll_call_targets (roll_call_id, person_id, registration_id, phone_bidx) VALUES (?, ?, ?, ?)',
  );
  const phones = [...plan.phones].sort((a, b) => Buffer.compare(a.phoneBidx, b.phoneBidx));
  const tokens = publicUrl === undefined ? undefined : newRollCallTokens(phones.length);
  const at = now.toISOString();
  for (const [index, entry] of phones.entries()) {
    // The names as the queueing reads them back when it resumes: by person id.
    const people = [...entry.people].sort((a, b) =>
      a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0,
    );
    const queued = sms(
      entry.phone,
      people.map((person) => person.name),
      entry.language,
      tokens?.[index],
    );
    phone.run(
      rollCallId,
      entry.phoneBidx,
      encryptField(store.keys.field, entry.phone, phoneBinding(rollCallId, entry.phoneBidx)),
      entry.language,
      queued.smsId,
      at,
      queued.tokenHash,
    );
    for (const person of people)
      target.run(rollCallId, person.personId, person.registrationId, entry.phoneBidx);
  }
  for (const person of plan.withoutPhone)
    target.run(rollCallId, person.personId, person.registrationId, null);
  return phones.length;
}

interface PendingPhone {
  phone_bidx: Uint8Array;
  phone_enc: Uint8Array;
  language: Language;
}

/**
 * Queues the SMS of a roll-call's phones not queued yet, each with the names of everyone registered
 * with it; returns how many. Each phone's row takes its SMS id in the same transaction as the SMS:
 * run again (a restart, a second click), it queues nothing twice. With the node's public address,
 * each SMS carries a link to answer on the web with a token of its own, of which the row keeps
 * only the keyed hash.
 */
export function queueRollCallSms(store: Store, rollCallId: string, now: Date, publicUrl?: string): number {
  return immediateTransaction(store.db, () => {
    const words = store.db
      .prepare('SELECT title, message_fr, message_sg, message_en, state FROM roll_calls WHERE id = ?')
      .get(rollCallId) as RollCallWords | undefined;
    if (words === undefined)
      throw new RollCallError(RollCallErrorCode.NotFound, `no roll-call ${rollCallId}`);
    if (words.state !== 'open') return 0;
    const pending = store.db
      .prepare(
        'SELECT phone_bidx, phone_enc, language FROM roll_call_phones WHERE roll_call_id = ? AND sms_id IS NULL',
      )
      .all(rollCallId) as PendingPhone[];
    const mark = store.db.prepare(
      `UPDATE roll_call_phones SET sms_id = ?, queued_at = ?, token_hash = ?
       WHERE roll_call_id = ? AND phone_bidx = ?`,
    );
    const sms = composer(store, rollCallId, words, now, publicUrl);
    const namesOf = householdNames(store, rollCallId);
    const tokens = publicUrl === undefined ? undefined : newRollCallTokens(pending.length);
    for (const [index, row] of pending.entries()) {
      const to = decryptField(store.keys.field, row.phone_enc, phoneBinding(rollCallId, row.phone_bidx));
      const queued = sms(to, namesOf(row.phone_bidx), row.language, tokens?.[index]);
      mark.run(queued.smsId, now.toISOString(), queued.tokenHash, rollCallId, row.phone_bidx);
    }
    return pending.length;
  });
}

function householdNames(store: Store, rollCallId: string): (phoneBidx: Uint8Array) => string[] {
  const select = store.db.prepare(
    `SELECT p.given_names_enc, p.family_name_enc, p.id FROM roll_call_targets t JOIN people p ON p.id = t.person_id
     WHERE t.roll_call_id = ? AND t.phone_bidx = ? ORDER BY p.id`,
  );
  return (phoneBidx) =>
    (
      select.all(rollCallId, phoneBidx) as {
        given_names_enc: Uint8Array;
        family_name_enc: Uint8Array;
        id: string;
      }[]
    ).map((row) => {
      const bind = (column: string) => ({ table: 'people', column, rowId: row.id });
      const given = decryptField(store.keys.field, row.given_names_enc, bind('given_names_enc'));
      const family = decryptField(store.keys.field, row.family_name_enc, bind('family_name_enc'));
      return `${given} ${family}`;
    });
}
