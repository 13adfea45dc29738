import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type ListedRegistration, registrationsInState, withPerson } from '../staff/registry-view.js';
import { missionTime } from '../staff/staff-clock.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { pageGuard, pagePrincipal } from './page-guard.js';
import { done, renderPage } from './page-render.js';
import { checkFromField, DOCUMENT_KIND_CHOICES, documentKindField, registryView } from './registry-labels.js';

const STATES = {
  submitted: 'À vérifier',
  verified: 'À activer',
  active: 'Actives',
  registre: 'Signalées par le registre national',
} as const;
const idParams = z.strictObject({ id: z.uuid() });
const csrfField = z.string().max(200);

/** Consular registrations awaiting verification and activation. */
export async function registrationPages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { registrations } = deps.domain;
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const manage = pageGuard(deps, 'registrations.manage');

  pages.get(
    '/immatriculations',
    {
      schema: {
        hide: true,
        querystring: z.strictObject({
          etat: z.enum(['submitted', 'verified', 'active', 'registre']).default('submitted'),
          ok: z.string().max(20).optional(),
        }),
      },
      preHandler: manage,
    },
    async (request, reply) => {
      const state = request.query.etat;
      const listed = state === 'registre' ? flaggedByRegistry(deps) : registrationsInState(deps, state);
      const list = listed.map((registration) => ({
        ...registration,
        submitted: missionTime(deps, registration.submittedAt),
        registryView: registryView(deps, registration.registry, registration.details.nationalId),
      }));
      const tabs = Object.entries(STATES).map(([value, label]) => ({ value, label }));
      return renderPage(request, reply, 'registrations', {
        title: 'Immatriculations',
        state,
        tabs,
        list,
        documentKinds: DOCUMENT_KIND_CHOICES,
      });
    },
  );

  pages.post(
    '/immatriculations/:id/verifier',
    {
      schema: {
        hide: true,
        params: idParams,
        body: z.strictObject({ _csrf: csrfField, documentKind: documentKindField }),
      },
      preHandler: [manage, app.csrfProtection],
    },
    async (request, reply) => {
      const check = checkFromField(request.body.documentKind);
      const _registration = registrations.verify(request.params.id, pagePrincipal(request).username, check);
      return done(reply, '/immatriculations?etat=submitted', 'verified');
    },
  );

  pages.post(
    '/immatriculations/:id/activer',
    {
      schema: {
        hide: true,
        params: idParams,
        body: z.strictObject({ _csrf: csrfField, consularCardNumber: z.string().trim().max(30) }),
      },
      preHandler: [manage, app.csrfProtection],
    },
    async (request, reply) => {
      const card = request.body.consularCardNumber || undefined;
      const _registration = registrations.activate(request.params.id, pagePrincipal(request).username, card);
      return done(reply, '/immatriculations?etat=verified', 'activated');
    },
  );
}

/** Registrations the national registry sent back for a human look, oldest decision first. */
function flaggedByRegistry(deps: StaffHttpDeps): ListedRegistration[] {
  return deps.domain.registrations.flaggedByRegistry().map((registration) => withPerson(deps, registration));
}
