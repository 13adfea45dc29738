import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MIN_PASSWORD_LENGTH } from '../../../common/auth/index.js';
import { UserError } from '../../services/users/user-errors.js';
import { renderHubPage } from './render.js';
import { EMPTY_USER_FORM, readUserForm, type UserFormValues } from './user-form.js';
import { ROLE_LABEL, roleChoices, USERS_PATH, userHref, userRow } from './user-view.js';
import type { HubWebDeps } from './web-deps.js';
import { webGuard, webUser } from './web-guard.js';

/** Why the service refused the new account, in the form's words and on which field. */
const CREATE_REFUSAL: Readonly<Record<string, { status: number; field: string; message: string }>> = {
  user_exists: { status: 409, field: 'username', message: 'Cet identifiant est déjà pris.' },
  weak_password: {
    status: 400,
    field: 'password',
    message: `Mot de passe refusé : ${MIN_PASSWORD_LENGTH} caractères au moins, ni l’identifiant ni un mot de passe courant.`,
  },
};

/**
 * `/web/utilisateurs` (`users.manage`): the ministry's accounts with their roles, TOTP enrolment
 * and lockout, and the form creating one. The same service as `POST /api/v1/users`, audited; a
 * password the hub makes is shown once, on the answer to the form, and never kept in a URL.
 */
export async function userPages(app: FastifyInstance, deps: HubWebDeps): Promise<void> {
  const { users } = deps.services;
  const guard = webGuard(deps, 'users.manage');
  app.hubNav.add({ href: USERS_PATH, label: 'Utilisateurs', permission: 'users.manage', order: 50 });

  app.get('/utilisateurs', { preHandler: guard }, async (request, reply) =>
    listPage(request, reply, deps, EMPTY_USER_FORM, {}),
  );

  app.post('/utilisateurs', { preHandler: [guard, app.csrfProtection] }, async (request, reply) => {
    const form = readUserForm(request.body);
    if (!form.ok) return listPage(request, reply.status(400), deps, form.values, form.errors);
    try {
      const created = await users.create(webUser(request), form.input);
      // The answer may carry a password: no cache keeps it.
      return renderHubPage(request, reply.header('cache-control', 'no-store'), 'user-created', {
        title: 'Compte créé',
        user: created.user,
        roles: created.user.roles.map((role) => ROLE_LABEL[role]).join(', '),
        temporaryPassword: created.temporaryPassword ?? null,
        href: userHref(created.user.username),
      });
    } catch (error) {
      const refusal = error instanceof UserError ? CREATE_REFUSAL[error.code] : undefined;
      if (refusal === undefined) throw error;
      return listPage(request, reply.status(refusal.status), deps, form.values, {
        [refusal.field]: refusal.message,
      });
    }
  });
}

async function listPage(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: HubWebDeps,
  values: UserFormValues,
  errors: Readonly<Record<string, string>>,
) {
  const users = await deps.services.users.list(webUser(request));
  return renderHubPage(request, reply, 'users', {
    title: 'Utilisateurs du ministère',
    users: users.map(userRow),
    action: USERS_PATH,
    values,
    errors,
    hasErrors: Object.keys(errors).length > 0,
    roles: roleChoices(values.roles),
  });
}
