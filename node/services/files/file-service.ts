import type { CountryCode } from 'libphonenumber-js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import type { PeopleRepository } from '../people/people-repository.js';
import { FileError, FileErrorCode } from './errors.js';
import {
  addDocument,
  type FileDocument,
  listDocuments,
  type NewDocument,
  readDocument,
} from './file-documents.js';
import {
  type CounterFileInput,
  type FileIntakeContext,
  type OnlineFileInput,
  openAtCounter,
  openOnline,
} from './file-intake.js';
import { type LookupOptions, lookupFile, type PublicFileView } from './file-lookup.js';
import { type FileMoveContext, moveFile, openFile } from './file-moves.js';
import {
  type FileRow,
  selectFileById,
  selectFileByTracking,
  selectTransitions,
  toFile,
} from './file-rows.js';
import {
  type ConsularFile,
  type FileTransition,
  type OpenFileInput,
  openFileSchema,
  type QueueQuery,
  queueQuerySchema,
  type TransitionInput,
  transitionSchema,
} from './file-schema.js';
import { type FileTiming, fileTiming } from './file-timing.js';
import { parseTrackingNumber } from './tracking-number.js';
import { type FileState, type WorkflowLookup, workflowLookup } from './workflow.js';

/** What the files service needs. */
export interface FileServiceDeps {
  readonly store: Store;
  readonly people: PeopleRepository;
  /** The mission's tracking-number prefix, 3 capital letters (`PAR`). */
  readonly trackingPrefix: string;
  /** The host country: phone numbers typed as secrets are read in it. */
  readonly defaultRegion: CountryCode;
  /** Workflows by service code; the built-in table when absent. */
  readonly workflows?: WorkflowLookup;
  readonly now?: () => Date;
}

/** Files (dossiers): opening, workflow, history, the agents' queue and the public lookup. */
export interface FileService {
  /** Opens a file for a person and a service (ZodError when invalid, FileError unknown_person). */
  open(input: OpenFileInput, actor: string): ConsularFile;
  /**
   * A file submitted online with its new applicant (created by `actor`), in one transaction; the
   * file is opened in the applicant's name. CatalogueError unknown_service when not offered.
   */
  openOnline(input: OnlineFileInput, actor: string): ConsularFile;
  /**
   * A file opened at the counter for a known person or a new one (created first), in one
   * transaction. CatalogueError unknown_service when not offered.
   */
  openAtCounter(input: CounterFileInput, actor: string): ConsularFile;
  /** Moves a file; refused with transition_not_allowed or state_changed. */
  transition(fileId: string, input: TransitionInput, actor: string): ConsularFile;
  get(fileId: string): ConsularFile | undefined;
  /** Agents' lookup by a typed tracking number (FileError invalid_tracking_number on a typo). */
  findByTrackingNumber(raw: string): ConsularFile | undefined;
  history(fileId: string): FileTransition[];
  /** Files in one state, longest waiting first. */
  queue(query: QueueQuery): ConsularFile[];
  /** How many files are in each state (the back-office's queue headers). */
  countByState(): Partial<Record<FileState, number>>;
  /** Time in each state and against the service's target (in days, from the catalogue). */
  timing(fileId: string, targetDays: number): FileTiming;
  /**
   * The public lookup: the status only, details when the secret is the applicant's; wrong typed
   * secrets lock the file's details for a while (lookup_locked, lookup-lock.ts).
   */
  lookup(raw: string, secret?: string, options?: LookupOptions): PublicFileView;
  /** Seals a scanned document and attaches it (document_too_large, document_type_mismatch, file_not_found). */
  addDocument(fileId: string, input: NewDocument, actor: string): Promise<FileDocument>;
  /** A file's scanned documents, oldest first, without their bytes. */
  documents(fileId: string): FileDocument[];
  /** One of a file's documents with its bytes (document_not_found). */
  readDocument(fileId: string, documentId: string): Promise<{ document: FileDocument; bytes: Uint8Array }>;
}

/** Builds the files service over a store. */
export function createFileService(deps: FileServiceDeps): FileService {
  const { store, trackingPrefix } = deps;
  const clock = deps.now ?? (() => new Date());
  const workflows = deps.workflows ?? workflowLookup();
  const ctx: FileMoveContext = { store, people: deps.people, trackingPrefix, workflows };
  const mustGet = (fileId: string): FileRow => {
    const row = selectFileById(store, fileId);
    if (!row) throw new FileError(FileErrorCode.NotFound, `no file ${fileId}`);
    return row;
  };
  const open = (input: OpenFileInput, actor: string) =>
    openFile(ctx, clock(), openFileSchema.parse(input), actor);
  const intake: FileIntakeContext = { store, people: deps.people, open };
  return {
    open,
    openOnline: (input, actor) => openOnline(intake, input, actor),
    openAtCounter: (input, actor) => openAtCounter(intake, input, actor),
    transition(fileId, input, actor) {
      const move = transitionSchema.parse(input);
      return immediateTransaction(store.db, () => moveFile(ctx, mustGet(fileId), move, actor, clock()));
    },
    get: (fileId) => {
      const row = selectFileById(store, fileId);
      return row && toFile(row);
    },
    findByTrackingNumber(raw) {
      const row = selectFileByTracking(store, canonicalTracking(raw, trackingPrefix));
      return row && toFile(row);
    },
    history: (fileId) => selectTransitions(store, fileId),
    queue: (query) => selectQueue(store, queueQuerySchema.parse(query)),
    countByState: () => countByState(store),
    timing(fileId, targetDays) {
      const row = mustGet(fileId);
      const workflow = workflows(row.service_code);
      return fileTiming(selectTransitions(store, fileId), { workflow, targetDays, now: clock() });
    },
    lookup: (raw, secret, options) =>
      lookupFile({ ...deps, now: clock }, canonicalTracking(raw, trackingPrefix), secret, options),
    addDocument: (fileId, input, actor) => addDocument(store, fileId, input, actor, clock()),
    documents: (fileId) => listDocuments(store, fileId),
    readDocument: (fileId, documentId) => readDocument(store, fileId, documentId),
  };
}

/** The canonical form of a typed tracking number, or a FileError saying why it is refused. */
export function canonicalTracking(raw: string, prefix: string): string {
  const parsed = parseTrackingNumber(raw, prefix);
  if (parsed.ok) return parsed.trackingNumber;
  if (parsed.problem === 'other_mission')
    throw new FileError(FileErrorCode.OtherMission, 'this tracking number belongs to another mission');
  throw new FileError(
    FileErrorCode.InvalidTrackingNumber,
    'check the tracking number: it has a typing error',
  );
}

function selectQueue(store: Store, query: ReturnType<typeof queueQuerySchema.parse>): ConsularFile[] {
  const byService = query.serviceCode === undefined ? '' : 'AND service_code = ?';
  const params = [query.state, ...(query.serviceCode === undefined ? [] : [query.serviceCode])];
  const rows = store.db
    .prepare(
      `SELECT * FROM files WHERE state = ? ${byService}
       ORDER BY state_since, opened_at, id LIMIT ? OFFSET ?`,
    )
    .all(...params, query.limit, query.offset) as FileRow[];
  return rows.map(toFile);
}

function countByState(store: Store): Partial<Record<FileState, number>> {
  const rows = store.db.prepare('SELECT state, count(*) AS n FROM files GROUP BY state').all() as {
    state: FileState;
    n: number;
  }[];
  return Object.fromEntries(rows.map((row) => [row.state, row.n]));
}
