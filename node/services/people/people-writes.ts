import { PersonEvents } from '../../../protocol/index.js';
import { newRowId } from '../../db/row-id.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { appendEvent, newEvent } from '../outbox/outbox.js';
import { decodePerson, encodePerson, type PersonRow, personFields } from './people-codec.js';
import {
  PERSON_FIELDS,
  type Person,
  type PersonFields,
  type PersonInput,
  type PersonPatch,
  type personInputSchema,
  type personPatchSchema,
} from './person-schema.js';

/** Event kinds and audit actions of people. */
export const PersonEvent = PersonEvents;
/** Entity name of people in the audit log and the outbox. */
export const PERSON_ENTITY = 'person';

/** What the writes need, built once by the repository. */
export interface PeopleWriteContext {
  readonly store: Store;
  readonly now: () => string;
  readonly inputSchema: ReturnType<typeof personInputSchema>;
  readonly patchSchema: ReturnType<typeof personPatchSchema>;
}

const INSERT = `INSERT INTO people (id, given_names_enc, family_name_enc, birth_date_enc, phone_enc, email_enc,
    id_number_enc, address_enc, phone_bidx, id_number_bidx, created_at, updated_at)
  VALUES (@id, @given_names_enc, @family_name_enc, @birth_date_enc, @phone_enc, @email_enc,
    @id_number_enc, @address_enc, @phone_bidx, @id_number_bidx, @at, @at)`;

const UPDATE = `UPDATE people SET given_names_enc = @given_names_enc, family_name_enc = @family_name_enc,
    birth_date_enc = @birth_date_enc, phone_enc = @phone_enc, email_enc = @email_enc,
    id_number_enc = @id_number_enc, address_enc = @address_enc, phone_bidx = @phone_bidx,
    id_number_bidx = @id_number_bidx, updated_at = @at WHERE id = @id`;

/** Validates and inserts a person with its audit entry and its event, in one transaction. */
export function insertPerson(ctx: PeopleWriteContext, input: PersonInput, actor: string): Person {
  return insertPersonFields(ctx, ctx.inputSchema.parse(input), actor);
}

/**
 * Inserts a person from fields the person schema would leave as they are (see
 * the repository's `createChecked`), with its audit entry and its event.
 */
export function insertPersonFields(ctx: PeopleWriteContext, checked: PersonFields, actor: string): Person {
  const { db, keys } = ctx.store;
  const fields = withoutAbsent(checked) as PersonFields;
  const id = newRowId();
  const at = ctx.now();
  immediateTransaction(db, () => {
    db.prepare(INSERT).run({ id, at, ...encodePerson(keys, id, fields) });
    recordChange(ctx, { kind: PersonEvent.Created, id, at, actor, before: null, after: fields, data: {} });
  });
  return { id, ...fields, createdAt: at, updatedAt: at };
}

/** Applies a change in one transaction with its audit entry and event; a no-op change records nothing. */
export function updatePerson(ctx: PeopleWriteContext, id: string, patch: PersonPatch, actor: string) {
  const { db, keys } = ctx.store;
  const changes = ctx.patchSchema.parse(patch);
  return immediateTransaction(db, (): Person | undefined => {
    const row = db.prepare('SELECT * FROM people WHERE id = ?').get(id) as PersonRow | undefined;
    if (row === undefined) return undefined;
    const before = decodePerson(keys, row);
    const after = applyPatch(personFields(before), changes);
    const changed = PERSON_FIELDS.filter((field) => before[field] !== after[field]);
    if (changed.length === 0) return before;
    const at = ctx.now();
    db.prepare(UPDATE).run({ id, at, ...encodePerson(keys, id, after) });
    const data = { changed: [...changed] };
    recordChange(ctx, {
      kind: PersonEvent.Updated,
      id,
      at,
      actor,
      before: personFields(before),
      after,
      data,
    });
    return { id, ...after, createdAt: before.createdAt, updatedAt: at };
  });
}

interface Change {
  readonly kind: (typeof PersonEvent)[keyof typeof PersonEvent];
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly before: PersonFields | null;
  readonly after: PersonFields;
  readonly data: Record<string, string[]>;
}

// The audit log gets keyed digests and the event names the changed fields: never the values.
function recordChange(ctx: PeopleWriteContext, change: Change): void {
  const { db, keys } = ctx.store;
  appendAudit(db, {
    actor: change.actor,
    action: change.kind,
    entity: PERSON_ENTITY,
    entityId: change.id,
    beforeDigest: change.before === null ? null : digestRecord(keys.audit, change.before),
    afterDigest: digestRecord(keys.audit, change.after),
    at: change.at,
  });
  const event = newEvent({
    kind: change.kind,
    entity: PERSON_ENTITY,
    entityId: change.id,
    at: change.at,
    data: change.data,
  });
  appendEvent(ctx.store, event);
}

function applyPatch(fields: PersonFields, patch: Record<string, string | null | undefined>): PersonFields {
  const merged: Record<string, string | null | undefined> = { ...fields };
  for (const field of PERSON_FIELDS) if (patch[field] !== undefined) merged[field] = patch[field];
  return withoutAbsent(merged) as unknown as PersonFields;
}

// The API layer uses undefined and null for "not given"; a stored person simply lacks the field.
function withoutAbsent(value: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined && field !== null),
  );
}
