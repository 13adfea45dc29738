import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RollCallError, RollCallErrorCode } from '../../services/roll-calls/index.js';
import { can } from '../../services/staff/index.js';
import { nowOf } from '../staff/staff-clock.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { pageGuard, pagePrincipal } from './page-guard.js';
import { done, renderPage } from './page-render.js';
import {
  DURATIONS,
  needHelpListView,
  OUTCOME_LABELS,
  personView,
  rollCallView,
  STATUS_LABELS,
} from './roll-call-view.js';

const text = (max: number) => z.string().max(max).default('');

/** The start form as posted: the consul's words, the zone, and how long answers are taken. */
const startForm = z.strictObject({
  _csrf: z.string().max(200),
  title: text(200),
  message_fr: text(1000),
  message_sg: text(1000),
  message_en: text(1000),
  zone: z.enum(['all', 'cities', 'regions']).default('all'),
  places: text(2000),
  hours: z.enum(Object.keys(DURATIONS) as [string, ...string[]]).default('24'),
});
type StartForm = z.infer<typeof startForm>;

const idParams = z.strictObject({ id: z.uuid() });
const okQuery = z.strictObject({ ok: z.string().max(40).optional() });

const INVALID_START =
  'Vérifiez le formulaire : un titre (60 caractères au plus), le message dans les trois langues (240 caractères au plus chacun), et au moins une ville ou région si la zone n’est pas « tous ».';

/**
 * Crisis roll-calls in the back office: the list (a consul starts one there, its reach shown by a
 * dry run before the confirmation), and one roll-call's page: its counts, the people who need help
 * or have not answered with their phone and address, an outcome form per person, the replies kept
 * aside, and the close button. The counts and lists update live (data-live="roll_call").
 */
export async function rollCallPages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { rollCalls } = deps.domain;

  pages.get(
    '/appels',
    { schema: { hide: true, querystring: okQuery }, preHandler: pageGuard(deps, 'roll_calls.read') },
    async (request, reply) => showList(request, reply, {}),
  );

  pages.post(
    '/appels/essai',
    {
      schema: { hide: true, body: startForm },
      preHandler: [pageGuard(deps, 'roll_calls.manage'), app.csrfProtection],
    },
    async (request, reply) => {
      const form = request.body;
      try {
        const outcome = rollCalls.start(
          { ...startInput(form), dryRun: true },
          { actor: pagePrincipal(request).username },
        );
        return showList(request, reply, { form, reach: outcome.reach });
      } catch (error) {
        return refusedStart(request, reply, form, error);
      }
    },
  );

  pages.post(
    '/appels',
    {
      schema: { hide: true, body: startForm },
      preHandler: [pageGuard(deps, 'roll_calls.manage'), app.csrfProtection],
    },
    async (request, reply) => {
      const form = request.body;
      try {
        const outcome = rollCalls.start(startInput(form), { actor: pagePrincipal(request).username });
        if (outcome.dryRun) throw new TypeError('a roll-call started as a dry run');
        return done(reply, `/appels/${outcome.id}`, 'roll_call_started');
      } catch (error) {
        return refusedStart(request, reply, form, error);
      }
    },
  );

  pages.get(
    '/appels/:id',
    {
      schema: { hide: true, params: idParams, querystring: okQuery },
      preHandler: pageGuard(deps, 'roll_calls.read'),
    },
    async (request, reply) => {
      const principal = pagePrincipal(request);
      const loaded = rollCalls.get(request.params.id);
      const rollCall = rollCallView(deps, loaded);
      const toFollow = rollCalls
        .people(request.params.id, { statuses: ['need_help', 'no_answer'] })
        .map((person) => personView(deps, person));
      return renderPage(request, reply, 'roll-call', {
        title: `Appel de sécurité · ${rollCall.title}`,
        rollCall,
        needHelp: toFollow.filter((person) => person.status === 'need_help'),
        noAnswer: toFollow.filter((person) => person.status === 'no_answer'),
        replies: rollCalls.replies(request.params.id),
        canFollowUp: rollCall.isOpen && can(principal, 'roll_calls.follow_up'),
        canClose: rollCall.isOpen && can(principal, 'roll_calls.manage'),
        needHelpList: needHelpListView(deps, loaded, can(principal, 'roll_calls.manage')),
        outcomes: OUTCOME_LABELS,
        statuses: STATUS_LABELS,
      });
    },
  );

  pages.post(
    '/appels/:id/suivi/:personId',
    {
      schema: {
        hide: true,
        params: z.strictObject({ id: z.uuid(), personId: z.string().min(1).max(64) }),
        body: z.strictObject({
          _csrf: z.string().max(200),
          outcome: z.string().max(40),
          status: z.string().max(40).default(''),
        }),
      },
      preHandler: [pageGuard(deps, 'roll_calls.follow_up'), app.csrfProtection],
    },
    async (request, reply) => {
      const { outcome, status } = request.body;
      rollCalls.recordOutcome(
        request.params.id,
        request.params.personId,
        { outcome, ...(status === '' ? {} : { status }) },
        pagePrincipal(request).username,
      );
      return done(reply, `/appels/${request.params.id}`, 'roll_call_outcome');
    },
  );

  pages.post(
    '/appels/:id/cloturer',
    {
      schema: { hide: true, params: idParams, body: z.strictObject({ _csrf: z.string().max(200) }) },
      preHandler: [pageGuard(deps, 'roll_calls.manage'), app.csrfProtection],
    },
    async (request, reply) => {
      rollCalls.close(request.params.id, pagePrincipal(request).username);
      return done(reply, `/appels/${request.params.id}`, 'roll_call_closed');
    },
  );

  // The consul's word on the ministry's request for the list of the people who need help: the
  // consul role, behind the session's TOTP as every consul act, audited by the service.
  for (const [path, decision, ok] of [
    ['liste-aide/approuver', 'approve', 'roll_call_need_help_approved'],
    ['liste-aide/refuser', 'refuse', 'roll_call_need_help_refused'],
  ] as const) {
    pages.post(
      `/appels/:id/${path}`,
      {
        schema: { hide: true, params: idParams, body: z.strictObject({ _csrf: z.string().max(200) }) },
        preHandler: [pageGuard(deps, 'roll_calls.manage'), app.csrfProtection],
      },
      async (request, reply) => {
        rollCalls.decideNeedHelpList(request.params.id, decision, pagePrincipal(request).username);
        return done(reply, `/appels/${request.params.id}`, ok);
      },
    );
  }

  function showList(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { form?: StartForm; reach?: unknown; error?: string },
  ) {
    return renderPage(request, reply, 'roll-calls', {
      title: 'Appels de sécurité',
      rollCalls: rollCalls.list().map((rollCall) => rollCallView(deps, rollCall)),
      canStart: can(pagePrincipal(request), 'roll_calls.manage'),
      durations: DURATIONS,
      form: extra.form ?? null,
      reach: extra.reach ?? null,
      error: extra.error ?? null,
    });
  }

  function refusedStart(request: FastifyRequest, reply: FastifyReply, form: StartForm, error: unknown) {
    if (!(error instanceof RollCallError) || error.code !== RollCallErrorCode.InvalidInput) throw error;
    void reply.status(400);
    return showList(request, reply, { form, error: INVALID_START });
  }

  function startInput(form: StartForm) {
    const places = form.places
      .split(/[,\n;]/)
      .map((place) => place.trim())
      .filter((place) => place !== '');
    const zone = form.zone === 'all' ? { all: true } : { [form.zone]: places };
    const endsAt = new Date(nowOf(deps).getTime() + Number(form.hours) * 3_600_000).toISOString();
    return {
      title: form.title,
      message: { fr: form.message_fr, sg: form.message_sg, en: form.message_en },
      zone,
      endsAt,
    };
  }
}
