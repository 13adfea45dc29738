import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SMS_READ_PERMISSION, smsRefOf } from '../staff/sms-lookup.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { pageGuard } from './page-guard.js';
import { renderPage } from './page-render.js';
import { refLink, smsLine } from './sms-view.js';

const LIMIT = 200;

/**
 * Outgoing SMS and where each stands (purpose, ref, state, attempts, last error, times), newest
 * first, optionally for one record: the counter's answer to "I never got the SMS". The number and
 * the text stay sealed in the outbox.
 */
export async function smsPages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();

  pages.get(
    '/sms',
    {
      schema: { hide: true, querystring: z.strictObject({ ref: z.string().trim().max(80).optional() }) },
      preHandler: pageGuard(deps, SMS_READ_PERMISSION),
    },
    async (request, reply) => {
      const typed = request.query.ref || undefined;
      const ref = typed === undefined ? undefined : smsRefOf(deps, typed);
      const rows = deps.domain.sms.statuses(ref === undefined ? { limit: LIMIT } : { ref, limit: LIMIT });
      void reply.header('cache-control', 'no-store');
      return renderPage(request, reply, 'sms', {
        title: 'SMS envoyés',
        typed: typed ?? '',
        list: rows.map((sms) => ({ ...smsLine(deps, sms), link: refLink(deps, sms.ref) })),
        pendingCount: rows.filter((sms) => sms.state === 'pending').length,
        limit: LIMIT,
      });
    },
  );
}
