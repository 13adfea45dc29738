import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FileDocument } from '../../services/files/file-documents.js';
import { FILE_STATES, fileStateSchema } from '../../services/files/workflow.js';
import { can } from '../../services/staff/index.js';
import { ApiError } from '../errors.js';
import { DECISION_STATES, fileDetail, queuedFile } from '../staff/file-view.js';
import { formatMoney, invoiceFromCatalogue } from '../staff/money-view.js';
import { assertAllowed } from '../staff/staff-auth.js';
import { missionTime } from '../staff/staff-clock.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { pageGuard, pagePrincipal } from './page-guard.js';
import { done, renderPage } from './page-render.js';
import { smsSection } from './sms-view.js';

/** File states as agents read them. */
export const FILE_STATE_LABELS: Readonly<Record<string, string>> = {
  submitted: 'Déposé',
  in_review: 'En instruction',
  awaiting_payment: 'En attente de paiement',
  awaiting_documents: 'En attente de pièces',
  approved: 'Approuvé',
  rejected: 'Rejeté',
  ready: 'Prêt',
  delivered: 'Remis',
};

const idParams = z.strictObject({ id: z.uuid() });
const csrfField = z.string().max(200);

/** The file queue by state, a file's page with its transitions and invoicing. */
export async function filePages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { files } = deps.domain;
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const canRead = pageGuard(deps, 'files.read');

  pages.get(
    '/dossiers',
    {
      schema: {
        hide: true,
        querystring: z.strictObject({
          etat: fileStateSchema.default('submitted'),
          ok: z.string().max(20).optional(),
        }),
      },
      preHandler: canRead,
    },
    async (request, reply) => {
      const state = request.query.etat;
      const counts = files.countByState();
      const queue = files.queue({ state, limit: 100 }).map((file) => ({
        ...queuedFile(deps, file),
        since: missionTime(deps, file.stateSince),
      }));
      const tabs = FILE_STATES.map((value) => ({
        value,
        label: FILE_STATE_LABELS[value],
        count: counts[value] ?? 0,
      }));
      return renderPage(request, reply, 'files', {
        title: 'Dossiers',
        state,
        stateLabel: FILE_STATE_LABELS[state],
        tabs,
        queue,
        labels: FILE_STATE_LABELS,
        canOpen: can(pagePrincipal(request), 'files.open'),
      });
    },
  );

  pages.get(
    '/dossiers/:id',
    { schema: { hide: true, params: idParams }, preHandler: canRead },
    async (request, reply) => {
      const detail = fileDetail(deps, request.params.id);
      if (!detail) throw new ApiError('not_found', 'no such file');
      const fees = deps.domain.catalogue.getService(detail.file.serviceCode, 'fr')?.fees ?? [];
      const principal = pagePrincipal(request);
      // Only what this agent's roles allow is offered: a refusal page after the click helps no one.
      const nextStates = can(principal, 'files.transition')
        ? detail.file.nextStates.filter(
            (state) => can(principal, 'files.decide') || !DECISION_STATES.includes(state),
          )
        : [];
      return renderPage(request, reply, 'file', {
        title: `Dossier ${detail.file.trackingNumber}`,
        ...detail,
        file: { ...detail.file, nextStates },
        labels: FILE_STATE_LABELS,
        history: detail.history.map((move) => ({ ...move, when: missionTime(deps, move.at) })),
        invoices: detail.invoices.map((invoice) => ({
          ...invoice,
          total: formatMoney(invoice.totalMinor, invoice.currency),
        })),
        fees: (can(principal, 'payments.record') ? fees : []).map((fee) => ({
          currency: fee.currency,
          text: formatMoney(fee.amountMinor, fee.currency),
        })),
        documents: detail.documents.map((document) => documentLine(deps, document)),
        canHandleDocuments: can(principal, 'files.documents'),
        ...smsSection(deps, principal, detail.file.id, detail.file.trackingNumber),
      });
    },
  );

  pages.post(
    '/dossiers/:id/transition',
    {
      schema: {
        hide: true,
        params: idParams,
        body: z.strictObject({
          _csrf: csrfField,
          to: fileStateSchema,
          expectedFrom: fileStateSchema,
          note: z.string().trim().max(1000),
        }),
      },
      preHandler: [pageGuard(deps, 'files.transition'), app.csrfProtection],
    },
    async (request, reply) => {
      const principal = pagePrincipal(request);
      const { to, expectedFrom, note } = request.body;
      if (DECISION_STATES.includes(to)) assertAllowed(principal, 'files.decide');
      const file = files.transition(
        request.params.id,
        { to, expectedFrom, ...(note ? { note } : {}) },
        principal.username,
      );
      return done(reply, `/dossiers/${file.id}`, 'moved');
    },
  );

  pages.post(
    '/dossiers/:id/facture',
    {
      schema: {
        hide: true,
        params: idParams,
        body: z.strictObject({ _csrf: csrfField, currency: z.string().regex(/^[A-Z]{3}$/) }),
      },
      preHandler: [pageGuard(deps, 'payments.record'), app.csrfProtection],
    },
    async (request, reply) => {
      const file = files.get(request.params.id);
      if (!file) throw new ApiError('not_found', 'no such file');
      const invoice = invoiceFromCatalogue(
        deps,
        { serviceCode: file.serviceCode, currency: request.body.currency, fileId: file.id },
        pagePrincipal(request).username,
      );
      return done(reply, `/factures/${invoice.id}`, 'invoiced');
    },
  );
}

const DOCUMENT_KINDS: Readonly<Record<FileDocument['contentType'], string>> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
};

/** A scan as the file's page lists it. */
function documentLine(deps: StaffHttpDeps, document: FileDocument) {
  return {
    id: document.id,
    label: document.label,
    kind: DOCUMENT_KINDS[document.contentType],
    size: `${Math.max(1, Math.round(document.byteSize / 1024)).toLocaleString('fr-FR')} Ko`,
    addedBy: document.addedBy,
    when: missionTime(deps, document.addedAt),
  };
}
