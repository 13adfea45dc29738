import { FileEvents } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { appendEvent, newEvent } from '../outbox/outbox.js';
import { enqueueSms } from '../outbox/sms-outbox.js';
import type { PeopleRepository } from '../people/people-repository.js';
import { fileStatusText } from './file-messages.js';
import type { ConsularFile } from './file-schema.js';
import type { FileState } from './workflow.js';

/** Event kinds and audit actions of files. */
export const FileEvent = FileEvents;
/** Entity name of files in the audit log and the outbox. */
export const FILE_ENTITY = 'file';

/**
 * Records a file's move: audit entry (digests of the states), outbox event (service and states,
 * nothing personal) and the applicant's SMS, all inside the caller's transaction.
 */
export function recordFileMove(
  deps: { store: Store; people: PeopleRepository },
  file: ConsularFile,
  move: { from: FileState | null; actor: string; at: Date },
): void {
  const { store } = deps;
  const at = move.at.toISOString();
  const kind = move.from === null ? FileEvent.Opened : FileEvent.Transitioned;
  appendAudit(store.db, {
    actor: move.actor,
    action: kind,
    entity: FILE_ENTITY,
    entityId: file.id,
    beforeDigest: move.from === null ? null : digestRecord(store.keys.audit, { state: move.from }),
    afterDigest: digestRecord(store.keys.audit, { state: file.state, personId: file.personId }),
    at,
  });
  const data =
    move.from === null
      ? { serviceCode: file.serviceCode, channel: file.channel, state: file.state }
      : { serviceCode: file.serviceCode, from: move.from, to: file.state };
  appendEvent(store, newEvent({ kind, entity: FILE_ENTITY, entityId: file.id, at, data }));
  notifyApplicant(deps, file, move.at);
}

// An applicant without a phone learns of the change at the counter or through the public lookup.
function notifyApplicant(
  deps: { store: Store; people: PeopleRepository },
  file: ConsularFile,
  at: Date,
): void {
  const phone = deps.people.get(file.personId)?.phone;
  if (phone === undefined) return;
  const text = fileStatusText(file.lang, file.trackingNumber, file.state);
  enqueueSms(deps.store, { to: phone, text, purpose: 'file_status', ref: file.id }, at);
}
