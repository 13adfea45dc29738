import type { FileDocument } from '../../services/files/file-documents.js';
import type { ConsularFile, FileTransition } from '../../services/files/file-schema.js';
import { type FileState, workflowLookup } from '../../services/files/workflow.js';
import type { Invoice } from '../../services/payments/money-rows.js';
import type { StaffHttpDeps } from './staff-deps.js';

/** A file of the queue with the applicant's name, as agents see it at the counter. */
export interface QueuedFile extends ConsularFile {
  readonly applicant: { readonly givenNames: string; readonly familyName: string };
  /** The states the service's workflow allows next. */
  readonly nextStates: readonly FileState[];
}

/** A file with its history and invoices: the agent's detail screen. */
export interface FileDetail {
  readonly file: QueuedFile;
  readonly history: readonly FileTransition[];
  readonly invoices: readonly Invoice[];
  /** The scans attached, without their bytes. */
  readonly documents: readonly FileDocument[];
  readonly serviceName: string;
  readonly processingDaysTarget: number;
}

const workflows = workflowLookup();

/** States a decision reaches: only a consul may move a file there (`files.decide`). */
export const DECISION_STATES: readonly FileState[] = ['approved', 'rejected'];

/** Adds the applicant's name and the allowed next states to a file. */
export function queuedFile(deps: StaffHttpDeps, file: ConsularFile): QueuedFile {
  const person = deps.domain.people.get(file.personId);
  const workflow = workflows(file.serviceCode);
  return {
    ...file,
    applicant: { givenNames: person?.givenNames ?? '', familyName: person?.familyName ?? '' },
    nextStates: workflow.transitions[file.state] ?? [],
  };
}

/** The detail of a file, or undefined when there is none with this id. */
export function fileDetail(deps: StaffHttpDeps, fileId: string): FileDetail | undefined {
  const file = deps.domain.files.get(fileId);
  if (!file) return undefined;
  const service = deps.domain.catalogue.getService(file.serviceCode, 'fr');
  return {
    file: queuedFile(deps, file),
    history: deps.domain.files.history(file.id),
    invoices: deps.domain.payments.invoicesOfFile(file.id),
    documents: deps.domain.files.documents(file.id),
    serviceName: service?.name ?? file.serviceCode,
    processingDaysTarget: service?.processingDaysTarget ?? 0,
  };
}
