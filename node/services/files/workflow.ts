// Every state a file can be in, across all workflows: part of the wire (the hub counts files by
// state), so defined in protocol/.
export { FILE_STATES, type FileState, fileStateSchema } from '../../../protocol/index.js';

import type { FileState } from '../../../protocol/index.js';

/**
 * A service's workflow: where a file starts, the moves allowed from each state, and the states
 * that end the processing clock (the file is decided and in the applicant's hands or ready for
 * them). A state with no allowed move is final.
 */
export interface Workflow {
  readonly initial: FileState;
  readonly transitions: Readonly<Partial<Record<FileState, readonly FileState[]>>>;
  readonly clockStops: readonly FileState[];
}

/** States in which the file waits on the applicant: not counted against the mission's target. */
export const WAITING_ON_APPLICANT: readonly FileState[] = ['awaiting_payment', 'awaiting_documents'];

/**
 * submitted → in_review → awaiting_payment | awaiting_documents → in_review → approved | rejected
 * → ready → delivered. A file left waiting on the applicant may be rejected (abandoned).
 */
export const DEFAULT_WORKFLOW: Workflow = {
  initial: 'submitted',
  transitions: {
    submitted: ['in_review', 'awaiting_payment'],
    in_review: ['awaiting_payment', 'awaiting_documents', 'approved', 'rejected'],
    awaiting_payment: ['in_review', 'rejected'],
    awaiting_documents: ['in_review', 'rejected'],
    approved: ['ready'],
    ready: ['delivered'],
  },
  clockStops: ['ready', 'rejected', 'delivered'],
};

/**
 * Services issued on the spot (a certificate of life signed before the agent, a legalisation
 * stamped at the counter): no "ready" step, the approved paper is handed over at once.
 */
export const ON_THE_SPOT_WORKFLOW: Workflow = {
  initial: 'submitted',
  transitions: {
    submitted: ['awaiting_payment', 'in_review'],
    awaiting_payment: ['in_review', 'rejected'],
    in_review: ['approved', 'rejected', 'awaiting_documents'],
    awaiting_documents: ['in_review', 'rejected'],
    approved: ['delivered'],
  },
  clockStops: ['approved', 'rejected', 'delivered'],
};

/** Workflows of services that do not follow the default, by catalogue service code. */
export const SERVICE_WORKFLOWS: Readonly<Record<string, Workflow>> = {
  'life-certificate': ON_THE_SPOT_WORKFLOW,
  legalisation: ON_THE_SPOT_WORKFLOW,
};

/** Looks up workflows by service code, falling back to the default. */
export type WorkflowLookup = (serviceCode: string) => Workflow;

/** A lookup over a table of workflows (the built-in one unless given). */
export function workflowLookup(
  table: Readonly<Record<string, Workflow>> = SERVICE_WORKFLOWS,
): WorkflowLookup {
  return (serviceCode) => table[serviceCode] ?? DEFAULT_WORKFLOW;
}

/** True when the workflow allows moving from one state to the other. */
export function canTransition(workflow: Workflow, from: FileState, to: FileState): boolean {
  return workflow.transitions[from]?.includes(to) ?? false;
}

/** States that close a file in every workflow: refused, or handed over. Nothing happens after them. */
export const CLOSED_STATES: readonly FileState[] = ['rejected', 'delivered'];

/** True for a state with no move out of it. */
export function isFinal(workflow: Workflow, state: FileState): boolean {
  return (workflow.transitions[state]?.length ?? 0) === 0;
}
