import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CivilStatusRecord } from '../../services/civil-status/civil-status-rows.js';
import { ApiError } from '../errors.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { CIVIL_STATUS_STATES, civilStatusDetail, civilStatusRow } from './civil-status-view.js';
import { pageGuard, pagePrincipal } from './page-guard.js';
import { done, renderPage } from './page-render.js';
import { checkFromField, DOCUMENT_KIND_CHOICES, documentKindField } from './registry-labels.js';

const idParams = z.strictObject({ id: z.uuid() });
const csrfField = z.string().max(200);
const stateSchema = z.enum(['submitted', 'under_review', 'transcribed', 'rejected']);

/**
 * Civil-status transcriptions: the list by state, the review page of one request (persons, the
 * foreign certificate, the national registry's answer, history) and its moves — start the review,
 * transcribe into the consular register (which sends it to the registry through the hub), reject.
 */
export async function civilStatusPages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { civilStatus } = deps.domain;
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const manage = pageGuard(deps, 'civil_status.manage');
  const recordPage = (record: CivilStatusRecord) => `/etat-civil/${record.id}`;

  pages.get(
    '/etat-civil',
    {
      schema: {
        hide: true,
        querystring: z.strictObject({
          etat: stateSchema.default('submitted'),
          ok: z.string().max(20).optional(),
        }),
      },
      preHandler: manage,
    },
    async (request, reply) => {
      const state = request.query.etat;
      const list = civilStatus.listInState(state).map((record) => civilStatusRow(deps, record));
      const tabs = Object.entries(CIVIL_STATUS_STATES).map(([value, label]) => ({ value, label }));
      return renderPage(request, reply, 'civil-status-list', { title: 'État civil', state, tabs, list });
    },
  );

  pages.get(
    '/etat-civil/:id',
    { schema: { hide: true, params: idParams }, preHandler: manage },
    async (request, reply) => {
      const record = civilStatus.get(request.params.id);
      if (!record) throw new ApiError('not_found', 'no such transcription');
      const detail = civilStatusDetail(deps, record, civilStatus.history(record.id));
      return renderPage(request, reply, 'civil-status', {
        title: `Transcription — ${detail.kind}`,
        record: detail,
        documentKinds: DOCUMENT_KIND_CHOICES,
      });
    },
  );

  pages.post(
    '/etat-civil/:id/instruction',
    {
      schema: { hide: true, params: idParams, body: z.strictObject({ _csrf: csrfField }) },
      preHandler: [manage, app.csrfProtection],
    },
    async (request, reply) => {
      const record = civilStatus.startReview(request.params.id, pagePrincipal(request).username);
      return done(reply, recordPage(record), 'cs_review');
    },
  );

  pages.post(
    '/etat-civil/:id/transcription',
    {
      schema: {
        hide: true,
        params: idParams,
        body: z.strictObject({
          _csrf: csrfField,
          actNumber: z.string().trim().max(40),
          documentKind: documentKindField,
        }),
      },
      preHandler: [manage, app.csrfProtection],
    },
    async (request, reply) => {
      const act = request.body.actNumber || undefined;
      const check = checkFromField(request.body.documentKind);
      const record = civilStatus.transcribe(request.params.id, pagePrincipal(request).username, act, check);
      return done(reply, recordPage(record), 'cs_transcribed');
    },
  );

  pages.post(
    '/etat-civil/:id/rejet',
    {
      schema: {
        hide: true,
        params: idParams,
        body: z.strictObject({ _csrf: csrfField, reason: z.string().trim().min(1).max(500) }),
      },
      preHandler: [manage, app.csrfProtection],
    },
    async (request, reply) => {
      const record = civilStatus.reject(
        request.params.id,
        pagePrincipal(request).username,
        request.body.reason,
      );
      return done(reply, recordPage(record), 'cs_rejected');
    },
  );
}
