import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { MessageKey } from '../../i18n/index.js';
import { surveyAnswersSchema } from '../../services/surveys/survey-service.js';
import { accessFile } from './file-access.js';
import { EMPTY_FORM, type FormState, fieldErrors, formFields } from './form-values.js';
import { portalOf } from './page-context.js';
import { PageNotFound } from './page-errors.js';
import { renderPage } from './page-render.js';
import { type PortalPageDeps, perMinute } from './portal-deps.js';
import { PORTAL_PATHS } from './portal-routes-list.js';
import { langOnly } from './query-schemas.js';

/** The survey's questions, in the order the form asks them. */
const QUESTIONS = ['overall', 'speed', 'welcome'] as const;

const REFUSALS: Readonly<Record<'not_delivered' | 'already_answered', MessageKey>> = {
  not_delivered: 'survey.err.notDelivered',
  already_answered: 'survey.err.already',
};

/** The short satisfaction survey, once a file is delivered: three ratings, no free text. */
export async function surveyPages(app: FastifyInstance, deps: PortalPageDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { files, surveys } = deps.domain;

  pages.get(PORTAL_PATHS.survey, { schema: { hide: true, querystring: langOnly } }, async (request, reply) =>
    showForm(request, reply, EMPTY_FORM),
  );

  pages.post(
    PORTAL_PATHS.survey,
    { schema: { hide: true }, preHandler: app.csrfProtection, config: perMinute(deps.limits.submission) },
    async (request, reply) => {
      const values = formFields(request.body);
      const answers = surveyAnswersSchema.safeParse(
        Object.fromEntries(QUESTIONS.map((q) => [q, values[q] ?? ''])),
      );
      const access = accessFile(files, values, true);
      if (!access.ok || !answers.success) {
        const ratingErrors = answers.success
          ? {}
          : fieldErrors(answers.error, Object.fromEntries(QUESTIONS.map((q) => [q, 'survey.err.rating'])));
        const base = access.ok ? { values, errors: {} } : access.form;
        return showForm(
          request,
          reply,
          { ...base, errors: { ...base.errors, ...ratingErrors } },
          access.ok ? 400 : access.status,
        );
      }
      const file = files.get(access.fileId);
      if (!file) throw new PageNotFound('no such file');
      const { lang, kiosk } = portalOf(request);
      const result = surveys.record(file, {
        answers: answers.data,
        channel: kiosk ? 'kiosk' : 'portal',
        lang,
      });
      if (result.status === 'refused')
        return showForm(request, reply, { values: {}, errors: {}, alert: REFUSALS[result.reason] }, 409);
      return renderPage(
        request,
        reply,
        deps.site,
        { view: 'survey-done', title: 'survey.title' },
        { personal: true, langPath: PORTAL_PATHS.survey },
      );
    },
  );

  function showForm(request: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) {
    return renderPage(
      request,
      reply,
      deps.site,
      { view: 'survey', title: 'survey.title', data: { form, questions: QUESTIONS } },
      { form: true, status },
    );
  }
}
