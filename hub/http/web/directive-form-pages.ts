import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PRIORITY_LABEL } from '../../services/directives/directive-detail.js';
import type { DirectivesService } from '../../services/directives/directives-service.js';
import { DirectiveError } from '../../services/directives/issue-directive.js';
import { type DirectiveFormValues, EMPTY_FORM, readDirectiveForm } from './directive-form.js';
import { renderHubPage } from './render.js';
import { type HubWebDeps, WEB_BASE } from './web-deps.js';
import { webGuard, webUser } from './web-guard.js';

/** Why the service refused the directive, in the form's words and on which field. */
const REFUSAL: Readonly<Record<DirectiveError['code'], { field: string; message: string }>> = {
  unknown_mission: {
    field: 'missions',
    message: 'Une mission choisie n’est plus inscrite : rechargez la liste.',
  },
  no_target: { field: 'missions', message: 'Aucune mission inscrite ne peut recevoir cette directive.' },
  invalid_dates: { field: 'expiresAt', message: 'L’expiration doit suivre l’entrée en vigueur.' },
};

/**
 * `/web/directives/nouvelle`: the ministry writes a directive and sends it to every mission or to
 * those it picks. The same service as `POST /api/v1/directives` (recorded, sealed and held per
 * mission in one transaction, published after commit); a refusal shows the form again with what was
 * typed and a message by each field.
 */
export async function directiveFormPages(app: FastifyInstance, deps: HubWebDeps): Promise<void> {
  const { directives, now } = deps.services;
  const guard = webGuard(deps, 'directives.write');

  app.get('/directives/nouvelle', { preHandler: guard }, async (request, reply) =>
    formPage(request, reply, directives, EMPTY_FORM, {}),
  );

  app.post('/directives/nouvelle', { preHandler: [guard, app.csrfProtection] }, async (request, reply) => {
    const form = readDirectiveForm(request.body, now());
    if (!form.ok) return formPage(request, reply.status(400), directives, form.values, form.errors);
    try {
      const issued = await directives.issue(form.input, webUser(request).displayName);
      const id = encodeURIComponent(issued.directive.directiveId);
      return reply.redirect(`${WEB_BASE}/directives/${id}?ok=directive_issued`, 303);
    } catch (error) {
      if (!(error instanceof DirectiveError)) throw error;
      const { field, message } = REFUSAL[error.code];
      return formPage(
        request,
        reply.status(error.code === 'no_target' ? 409 : 400),
        directives,
        form.values,
        {
          [field]: message,
        },
      );
    }
  });
}

async function formPage(
  request: FastifyRequest,
  reply: FastifyReply,
  directives: DirectivesService,
  values: DirectiveFormValues,
  errors: Readonly<Record<string, string>>,
) {
  const chosen = new Set(values.missions);
  const missions = await directives.targets();
  return renderHubPage(request, reply, 'directive-form', {
    title: 'Nouvelle directive',
    action: `${WEB_BASE}/directives/nouvelle`,
    values,
    errors,
    hasErrors: Object.keys(errors).length > 0,
    priorities: Object.entries(PRIORITY_LABEL).map(([value, label]) => ({
      value,
      label,
      selected: value === values.priority,
    })),
    missions: missions.map((mission) => ({ ...mission, checked: chosen.has(mission.id) })),
  });
}
