import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pickLanguage } from '../../services/catalogue/catalogue.js';
import { can } from '../../services/staff/index.js';
import { acknowledge } from '../staff/directive-acknowledgement.js';
import { missionTime } from '../staff/staff-clock.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { pageGuard, pagePrincipal } from './page-guard.js';
import { done, renderPage } from './page-render.js';

const PRIORITIES: Readonly<Record<string, string>> = {
  low: 'Basse',
  normal: 'Normale',
  high: 'Haute',
  urgent: 'Urgente',
};

/** The ministry's directives; the consul acknowledges them from here. */
export async function directivePages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();

  pages.get(
    '/directives',
    {
      schema: { hide: true, querystring: z.strictObject({ ok: z.string().max(20).optional() }) },
      preHandler: pageGuard(deps, 'directives.read'),
    },
    async (request, reply) => {
      const mayAcknowledge = can(pagePrincipal(request), 'directives.acknowledge');
      const directives = deps.domain.directives.list().map((entry) => ({
        id: entry.directive.directiveId,
        title: pickLanguage(entry.directive.title, 'fr'),
        body: pickLanguage(entry.directive.body, 'fr'),
        priority: PRIORITIES[entry.directive.priority] ?? entry.directive.priority,
        urgent: entry.directive.priority === 'urgent' || entry.directive.priority === 'high',
        issuedBy: entry.directive.issuedBy,
        received: missionTime(deps, entry.receivedAt),
        acknowledged: entry.acknowledgedAt ? missionTime(deps, entry.acknowledgedAt) : null,
        acknowledgedBy: entry.acknowledgedBy,
        canAcknowledge: mayAcknowledge && entry.acknowledgedAt === null,
      }));
      return renderPage(request, reply, 'directives', { title: 'Directives du ministère', directives });
    },
  );

  pages.post(
    '/directives/:id/accuser',
    {
      schema: {
        hide: true,
        params: z.strictObject({ id: z.uuid() }),
        body: z.strictObject({ _csrf: z.string().max(200), comment: z.string().trim().max(2000) }),
      },
      preHandler: [pageGuard(deps, 'directives.acknowledge'), app.csrfProtection],
    },
    async (request, reply) => {
      acknowledge(
        deps,
        request.params.id,
        pagePrincipal(request).username,
        request.body.comment || undefined,
      );
      return done(reply, '/directives', 'acknowledged');
    },
  );
}
