import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { langSchema, serviceCodeSchema } from '../../services/files/file-schema.js';
import { personInputSchema } from '../../services/people/person-schema.js';
import { ApiError } from '../errors.js';
import { missionTime } from '../staff/staff-clock.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { fieldErrors, filledFields, type PostedForm } from './page-forms.js';
import { pageGuard, pagePrincipal } from './page-guard.js';
import { done, renderPage } from './page-render.js';

const text = (max: number) => z.string().max(max).optional();

/** The form as posted: bounded strings only; what they must hold is checked by the domain's schema. */
const postedForm = z.strictObject({
  _csrf: z.string().max(200),
  serviceCode: text(60),
  givenNames: text(200),
  familyName: text(200),
  birthDate: text(10),
  phone: text(40),
  email: text(254),
  idNumber: text(40),
  address: text(1000),
  lang: text(2),
  note: text(1000),
});

const FIELD_MESSAGES: Readonly<Record<string, string>> = {
  serviceCode: 'Choisissez le service demandé.',
  givenNames: 'Saisissez les prénoms, tels qu’écrits sur le document d’identité.',
  familyName: 'Saisissez le nom, tel qu’écrit sur le document d’identité.',
  birthDate: 'Date de naissance invalide.',
  phone: 'Numéro de téléphone invalide.',
  email: 'Adresse électronique invalide.',
  idNumber: 'Numéro de document trop long.',
  address: 'Adresse trop longue.',
  lang: 'Langue inconnue.',
  note: 'Note trop longue.',
  tracking: 'Donnez le téléphone ou la date de naissance : le demandeur en a besoin pour suivre son dossier.',
};

/** What the domain needs to open a file, with one rule of the counter on top: a way to track it. */
function counterFileSchema(region: CountryCode) {
  return personInputSchema(region)
    .extend({ serviceCode: serviceCodeSchema, lang: langSchema.default('fr'), note: z.string().optional() })
    .refine((input) => input.phone !== undefined || input.birthDate !== undefined, {
      path: ['tracking'],
      message: 'phone or birth date needed to track the file',
    });
}

/**
 * Opening a file for a walk-in applicant (a new person and the file, in one transaction), and the
 * slip handed over with the tracking number and what the applicant needs to follow the file.
 */
export async function counterFilePages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const canOpen = pageGuard(deps, 'files.open');
  const schema = counterFileSchema(deps.config.region as CountryCode);

  pages.get('/dossiers/nouveau', { schema: { hide: true }, preHandler: canOpen }, async (request, reply) =>
    showForm(deps, request, reply, { lang: 'fr' }, {}),
  );

  pages.post(
    '/dossiers/nouveau',
    { schema: { hide: true, body: postedForm }, preHandler: [canOpen, app.csrfProtection] },
    async (request, reply) => {
      const parsed = schema.safeParse(filledFields(request.body));
      if (!parsed.success) {
        reply.status(400);
        return showForm(deps, request, reply, request.body, fieldErrors(parsed.error, FIELD_MESSAGES));
      }
      const { serviceCode, lang, note, ...person } = parsed.data;
      const file = deps.domain.files.openAtCounter(
        { person, serviceCode, lang, ...(note ? { note } : {}) },
        pagePrincipal(request).username,
      );
      return done(reply, `/dossiers/${file.id}`, 'opened');
    },
  );

  pages.get(
    '/dossiers/:id/fiche',
    {
      schema: { hide: true, params: z.strictObject({ id: z.uuid() }) },
      preHandler: pageGuard(deps, 'files.read'),
    },
    async (request, reply) => {
      const file = deps.domain.files.get(request.params.id);
      if (!file) throw new ApiError('not_found', 'no such file');
      const person = deps.domain.people.get(file.personId);
      const service = deps.domain.catalogue.getService(file.serviceCode, 'fr');
      return renderPage(request, reply, 'file-slip', {
        title: `Fiche de suivi ${file.trackingNumber}`,
        file,
        opened: missionTime(deps, file.openedAt),
        applicant: `${person?.givenNames ?? ''} ${person?.familyName ?? ''}`.trim(),
        hasPhone: person?.phone !== undefined,
        hasBirthDate: person?.birthDate !== undefined,
        serviceName: service?.name ?? file.serviceCode,
        processingDaysTarget: service?.processingDaysTarget ?? 0,
        requiredDocuments: service?.requiredDocuments ?? [],
        mission: { name: deps.config.missionName, ...deps.config.profile },
      });
    },
  );
}

function showForm(
  deps: StaffHttpDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  values: PostedForm,
  errors: Record<string, string>,
): FastifyReply {
  const services = deps.domain.catalogue.listServices('fr').map((service) => ({
    code: service.code,
    name: service.name,
  }));
  const { _csrf: _token, ...shown } = values;
  return renderPage(request, reply, 'file-open', {
    title: 'Ouvrir un dossier au guichet',
    services,
    values: shown,
    errors,
    hasErrors: Object.keys(errors).length > 0,
  });
}
