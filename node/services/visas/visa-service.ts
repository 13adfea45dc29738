import type { VisaContext } from './visa-context.js';
import {
  grantApplication,
  mustGetVisa,
  prepareApplication,
  refuseApplication,
  requestMoreInfo,
} from './visa-decisions.js';
import { issueDocument, printDocument } from './visa-issue.js';
import { provideMoreInfo } from './visa-more-info.js';
import { selectVisaByFile, selectVisas } from './visa-rows.js';
import type { GrantInput, Upload, VisaApplication, VisaApplicationInput, VisaState } from './visa-schema.js';
import { type SubmittedVisa, submitApplication } from './visa-submit.js';

/** Visas and laissez-passer: from the portal's application to the printed seal (issue 17). */
export interface VisaService {
  submit(input: VisaApplicationInput): Promise<SubmittedVisa>;
  get(id: string): VisaApplication;
  ofFile(fileId: string): VisaApplication | undefined;
  list(state?: VisaState, limit?: number): VisaApplication[];
  prepare(id: string, actor: string): VisaApplication;
  requestMoreInfo(id: string, message: string, actor: string): VisaApplication;
  /** The applicant's answer to a request for more: documents, and back to the agents' queue. */
  provideMoreInfo(fileId: string, documents: readonly Upload[]): Promise<VisaApplication>;
  grant(id: string, input: GrantInput, actor: string): VisaApplication;
  refuse(id: string, reason: string, actor: string): VisaApplication;
  issue(id: string, actor: string): Promise<VisaApplication>;
  /** The issued document as an A4 PDF. */
  pdf(id: string): Promise<Uint8Array>;
}

export function createVisaService(ctx: VisaContext): VisaService {
  return {
    submit: (input) => submitApplication(ctx, input),
    get: (id) => mustGetVisa(ctx, id),
    ofFile: (fileId) => selectVisaByFile(ctx.store, fileId),
    list: (state, limit) => selectVisas(ctx.store, state, limit),
    prepare: (id, actor) => prepareApplication(ctx, id, actor),
    requestMoreInfo: (id, message, actor) => requestMoreInfo(ctx, id, message, actor),
    provideMoreInfo: (fileId, documents) => provideMoreInfo(ctx, fileId, documents),
    grant: (id, input, actor) => grantApplication(ctx, id, input, actor),
    refuse: (id, reason, actor) => refuseApplication(ctx, id, reason, actor),
    issue: (id, actor) => issueDocument(ctx, id, actor),
    pdf: (id) => printDocument(ctx, id),
  };
}
