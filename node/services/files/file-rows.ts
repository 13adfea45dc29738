import { decryptOptional, encryptOptional, type FieldBinding } from '../../crypto/field-cipher.js';
import type { Store } from '../../db/store.js';
import type { ConsularFile, FileTransition } from './file-schema.js';
import type { FileState } from './workflow.js';

/** A row of `files`. */
export interface FileRow {
  id: string;
  tracking_number: string;
  person_id: string;
  service_code: string;
  channel: 'counter' | 'online';
  lang: ConsularFile['lang'];
  state: FileState;
  state_since: string;
  opened_by: string;
  opened_at: string;
  updated_at: string;
}

interface TransitionRow {
  seq: number;
  from_state: FileState | null;
  to_state: FileState;
  actor: string;
  at: string;
  note_enc: Uint8Array | null;
}

/** Maps a row to the agents' view. */
export function toFile(row: FileRow): ConsularFile {
  return {
    id: row.id,
    trackingNumber: row.tracking_number,
    personId: row.person_id,
    serviceCode: row.service_code,
    channel: row.channel,
    lang: row.lang,
    state: row.state,
    stateSince: row.state_since,
    openedBy: row.opened_by,
    openedAt: row.opened_at,
    updatedAt: row.updated_at,
  };
}

/** The file with this id, or undefined. */
export function selectFileById(store: Store, id: string): FileRow | undefined {
  return store.db.prepare('SELECT * FROM files WHERE id = ?').get(id) as FileRow | undefined;
}

/** The file with this canonical tracking number, or undefined. */
export function selectFileByTracking(store: Store, trackingNumber: string): FileRow | undefined {
  return store.db.prepare('SELECT * FROM files WHERE tracking_number = ?').get(trackingNumber) as
    | FileRow
    | undefined;
}

/** Inserts a file row. */
export function insertFileRow(store: Store, row: FileRow): void {
  store.db
    .prepare(
      `INSERT INTO files (id, tracking_number, person_id, service_code, channel, lang, state, state_since,
         opened_by, opened_at, updated_at)
       VALUES (@id, @tracking_number, @person_id, @service_code, @channel, @lang, @state, @state_since,
         @opened_by, @opened_at, @updated_at)`,
    )
    .run(row);
}

/** Appends one move to a file's history, its note encrypted and bound to the file and position. */
export function insertTransition(store: Store, fileId: string, move: FileTransition): void {
  const { next } = store.db
    .prepare('SELECT coalesce(max(seq), 0) + 1 AS next FROM file_transitions WHERE file_id = ?')
    .get(fileId) as { next: number };
  store.db
    .prepare(
      `INSERT INTO file_transitions (file_id, seq, from_state, to_state, actor, at, note_enc)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      fileId,
      next,
      move.from,
      move.to,
      move.actor,
      move.at,
      encryptOptional(store.keys.field, move.note, noteBinding(fileId, next)),
    );
}

/** A file's history, oldest first, notes decrypted. */
export function selectTransitions(store: Store, fileId: string): FileTransition[] {
  const rows = store.db
    .prepare(
      'SELECT seq, from_state, to_state, actor, at, note_enc FROM file_transitions WHERE file_id = ? ORDER BY seq',
    )
    .all(fileId) as TransitionRow[];
  return rows.map((row) => {
    const note = decryptOptional(store.keys.field, row.note_enc, noteBinding(fileId, row.seq));
    const move = { from: row.from_state, to: row.to_state, actor: row.actor, at: row.at };
    return note === undefined ? move : { ...move, note };
  });
}

function noteBinding(fileId: string, seq: number): FieldBinding {
  return { table: 'file_transitions', column: 'note_enc', rowId: `${fileId}#${seq}` };
}
