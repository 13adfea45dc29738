import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CountryCode } from 'libphonenumber-js';
import { RegistrationError } from '../../services/registrations/errors.js';
import { utcDay } from '../../services/registrations/partial-date.js';
import { registrationBody } from '../api/public/registrations-routes.js';
import { EMPTY_FORM, type FormState, fieldErrors, formFields } from './form-values.js';
import { portalOf } from './page-context.js';
import { renderPage } from './page-render.js';
import { KIOSK_ACTOR, PORTAL_ACTOR, type PortalPageDeps, perMinute } from './portal-deps.js';
import { PORTAL_PATHS } from './portal-routes-list.js';
import { langOnly } from './query-schemas.js';
import { CENSUS_CHOICES, REGISTRATION_MESSAGES, registrationInput } from './registration-form.js';

/** Consular registration (immatriculation) with the skills census and the recorded consents. */
export async function registrationPages(app: FastifyInstance, deps: PortalPageDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const body = registrationBody(deps.config.region as CountryCode, utcDay(deps.now));

  pages.get(
    PORTAL_PATHS.registration,
    { schema: { hide: true, querystring: langOnly } },
    async (request, reply) => showForm(request, reply, EMPTY_FORM),
  );

  pages.post(
    PORTAL_PATHS.registration,
    { schema: { hide: true }, preHandler: app.csrfProtection, config: perMinute(deps.limits.submission) },
    async (request, reply) => {
      const values = formFields(request.body);
      const parsed = body.safeParse(registrationInput(values));
      if (!parsed.success) {
        return showForm(
          request,
          reply,
          { values, errors: fieldErrors(parsed.error, REGISTRATION_MESSAGES) },
          400,
        );
      }
      const { census, ...rest } = parsed.data;
      const input = { ...rest, channel: 'online' as const, ...(census === undefined ? {} : { census }) };
      try {
        const actor = portalOf(request).kiosk ? KIOSK_ACTOR : PORTAL_ACTOR;
        const registration = deps.domain.registrations.submit(input, actor);
        return renderPage(
          request,
          reply,
          deps.site,
          { view: 'registration-done', title: 'registration.doneTitle', data: { registration } },
          { personal: true, langPath: PORTAL_PATHS.registration },
        );
      } catch (error) {
        if (!(error instanceof RegistrationError)) throw error;
        const form: FormState =
          error.code === 'consent_required'
            ? { values, errors: { consents: 'registration.err.consent' } }
            : {
                values,
                errors: {},
                alert: error.code === 'already_registered' ? 'registration.err.already' : 'form.invalid',
              };
        return showForm(request, reply, form, error.code === 'already_registered' ? 409 : 422);
      }
    },
  );

  function showForm(request: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) {
    return renderPage(
      request,
      reply,
      deps.site,
      { view: 'registration', title: 'registration.title', data: { form, choices: CENSUS_CHOICES } },
      { form: true, status },
    );
  }
}
