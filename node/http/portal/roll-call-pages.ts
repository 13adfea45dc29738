import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MessageKey } from '../../i18n/index.js';
import type {
  AnsweredStatus,
  RollCallInvitation,
  RollCallLinkRefusal,
} from '../../services/roll-calls/index.js';
import { formFields, textOf } from './form-values.js';
import { portalOf } from './page-context.js';
import { renderPage } from './page-render.js';
import { type PortalPageDeps, perMinute } from './portal-deps.js';
import { PORTAL_PATHS } from './portal-routes-list.js';
import { langParam } from './query-schemas.js';

const ANSWERS: readonly AnsweredStatus[] = ['safe', 'need_help', 'not_in_zone'];

/** Any text up to a bound: the service tells a malformed token apart, with its own page. */
const tokenParams = z.strictObject({ token: z.string().max(200) });

const REFUSALS: Readonly<
  Record<RollCallLinkRefusal | 'not_in_household', { message: MessageKey; status: number }>
> = {
  malformed: { message: 'rollCall.err.link', status: 404 },
  unknown: { message: 'rollCall.err.link', status: 404 },
  closed: { message: 'rollCall.err.closed', status: 410 },
  not_in_household: { message: 'rollCall.err.person', status: 400 },
};

/** Where a page shows the person's answer just recorded, or a refusal of the form. */
interface Notice {
  readonly person: number;
  readonly kind: 'ok' | 'error';
  readonly message: MessageKey;
}

/**
 * The page of a roll-call SMS's link, `/r/<token>`: no login, the token is the key. It shows the
 * roll-call's message and, for each person of the household the SMS reached, three answers and an
 * optional word for the consulate (a plain form, CSRF-protected). Limited per address by a limit
 * of its own (`rollCallAnswer`); the token never goes to another site (no referrer).
 */
export async function rollCallPages(app: FastifyInstance, deps: PortalPageDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { rollCalls } = deps.domain;
  const limited = perMinute(deps.limits.rollCallAnswer);

  pages.get(
    PORTAL_PATHS.rollCall(':token'),
    {
      schema: { hide: true, params: tokenParams, querystring: z.strictObject({ lang: langParam }) },
      config: limited,
    },
    async (request, reply) => {
      const found = rollCalls.link(request.params.token);
      if (!found.ok) return refuse(request, reply, found.reason);
      return show(request, reply, found.invitation);
    },
  );

  pages.post(
    PORTAL_PATHS.rollCall(':token'),
    { schema: { hide: true, params: tokenParams }, preHandler: app.csrfProtection, config: limited },
    async (request, reply) => {
      const values = formFields(request.body);
      const person = Number.parseInt(textOf(values, 'person'), 10);
      const status = ANSWERS.find((answer) => answer === textOf(values, 'status'));
      if (status === undefined) {
        const found = rollCalls.link(request.params.token);
        if (!found.ok) return refuse(request, reply, found.reason);
        const notice: Notice = { person, kind: 'error', message: 'rollCall.err.status' };
        return show(request, reply, found.invitation, notice, 400);
      }
      const outcome = rollCalls.answerLink({
        token: request.params.token,
        person,
        status,
        text: textOf(values, 'words'),
      });
      if (!outcome.ok) return refuse(request, reply, outcome.reason);
      return show(request, reply, outcome.invitation, { person, kind: 'ok', message: 'rollCall.thanks' });
    },
  );

  function show(
    request: FastifyRequest,
    reply: FastifyReply,
    invitation: RollCallInvitation,
    notice?: Notice,
    status = 200,
  ) {
    const { lang } = portalOf(request);
    void reply.header('referrer-policy', 'no-referrer');
    return renderPage(
      request,
      reply,
      deps.site,
      {
        view: 'roll-call',
        title: 'rollCall.title',
        data: {
          rollCall: { title: invitation.title, message: invitation.message[lang] },
          people: invitation.people,
          answers: ANSWERS,
          notice,
          action: request.url.split('?')[0],
        },
      },
      { form: true, personal: true, status },
    );
  }

  function refuse(request: FastifyRequest, reply: FastifyReply, reason: keyof typeof REFUSALS) {
    const refusal = REFUSALS[reason];
    void reply.header('referrer-policy', 'no-referrer');
    return renderPage(
      request,
      reply,
      deps.site,
      { view: 'error', title: 'rollCall.title', data: { message: refusal.message, status: refusal.status } },
      { personal: true, status: refusal.status },
    );
  }
}
