import { randomUUID } from 'node:crypto';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import type { PeopleRepository } from '../people/people-repository.js';
import { FileError, FileErrorCode } from './errors.js';
import { recordFileMove } from './file-events.js';
import { type FileRow, insertFileRow, insertTransition, selectFileByTracking, toFile } from './file-rows.js';
import type { ConsularFile, openFileSchema, transitionSchema } from './file-schema.js';
import { generateTrackingNumber } from './tracking-number.js';
import { canTransition, type WorkflowLookup } from './workflow.js';

/** What opening and moving files need. */
export interface FileMoveContext {
  readonly store: Store;
  readonly people: PeopleRepository;
  readonly trackingPrefix: string;
  readonly workflows: WorkflowLookup;
}

/** Opens a file in its workflow's initial state, with its history, audit, event and SMS. */
export function openFile(
  deps: FileMoveContext,
  now: Date,
  input: ReturnType<typeof openFileSchema.parse>,
  actor: string,
): ConsularFile {
  const { store } = deps;
  const at = now.toISOString();
  return immediateTransaction(store.db, () => {
    if (!deps.people.get(input.personId))
      throw new FileError(FileErrorCode.UnknownPerson, `no person ${input.personId}`);
    const state = deps.workflows(input.serviceCode).initial;
    const row: FileRow = {
      id: randomUUID(),
      tracking_number: freshTrackingNumber(store, deps.trackingPrefix),
      person_id: input.personId,
      service_code: input.serviceCode,
      channel: input.channel,
      lang: input.lang,
      state,
      state_since: at,
      opened_by: actor,
      opened_at: at,
      updated_at: at,
    };
    insertFileRow(store, row);
    insertTransition(store, row.id, { from: null, to: state, actor, at, ...optionalNote(input.note) });
    const file = toFile(row);
    recordFileMove(deps, file, { from: null, actor, at: now });
    return file;
  });
}

/** Moves a file, to be called inside a transaction that read `row`. */
export function moveFile(
  deps: FileMoveContext,
  row: FileRow,
  move: ReturnType<typeof transitionSchema.parse>,
  actor: string,
  now: Date,
): ConsularFile {
  if (move.expectedFrom !== undefined && move.expectedFrom !== row.state)
    throw new FileError(FileErrorCode.StateChanged, `the file is now ${row.state}, not ${move.expectedFrom}`);
  if (!canTransition(deps.workflows(row.service_code), row.state, move.to))
    throw new FileError(
      FileErrorCode.TransitionNotAllowed,
      `a file cannot go from ${row.state} to ${move.to}`,
    );
  const at = now.toISOString();
  deps.store.db
    .prepare('UPDATE files SET state = ?, state_since = ?, updated_at = ? WHERE id = ?')
    .run(move.to, at, at, row.id);
  insertTransition(deps.store, row.id, {
    from: row.state,
    to: move.to,
    actor,
    at,
    ...optionalNote(move.note),
  });
  const file = toFile({ ...row, state: move.to, state_since: at, updated_at: at });
  recordFileMove(deps, file, { from: row.state, actor, at: now });
  return file;
}

// 40 random bits: a collision is rare but possible among a mission's files, so draw again.
function freshTrackingNumber(store: Store, prefix: string): string {
  for (let attempt = 0; attempt < 8; attempt++) {
    const candidate = generateTrackingNumber(prefix);
    if (!selectFileByTracking(store, candidate)) return candidate;
  }
  throw new Error('could not draw an unused tracking number');
}

function optionalNote(note: string | undefined): { note?: string } {
  return note === undefined ? {} : { note };
}
