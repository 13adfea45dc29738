import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { UserAdminActor } from '../../services/users/user-changes.js';
import { USER_ERROR_STATUS, UserError } from '../../services/users/user-errors.js';
import type { UserManagementService } from '../../services/users/user-management.js';
import { usernameSchema } from '../../services/users/user-rows.js';
import { renderHubPage } from './render.js';
import { checkedValues } from './user-form.js';
import { roleChoices, userHref, userRow } from './user-view.js';
import type { HubWebDeps } from './web-deps.js';
import { webGuard, webUser } from './web-guard.js';

/** The forms of an account's page without a field: path segment, the service's method, the `?ok=` code. */
const ACTIONS = [
  ['desactiver', 'deactivate', 'user_deactivated'],
  ['reactiver', 'reactivate', 'user_reactivated'],
  ['deverrouiller', 'unlock', 'user_unlocked'],
  ['reinitialiser-totp', 'resetTotp', 'user_totp_reset'],
] as const satisfies readonly (readonly [string, keyof UserManagementService, string])[];

/** Why the service refused a change, as the account's page says it. */
const REFUSAL: Readonly<Record<string, string>> = {
  self_change:
    'Vous ne pouvez ni changer vos propres rôles, ni désactiver votre compte, ni réinitialiser votre TOTP : demandez-le à un autre membre de la direction.',
  invalid_request: 'Cochez au moins un rôle.',
};

const params = z.strictObject({ username: usernameSchema });

/**
 * `/web/utilisateurs/:username` (`users.manage`): one account and the forms that change it —
 * deactivate or reactivate, lift a lockout, reset TOTP, set the roles. The same service as the
 * JSON API, audited; on one's own account the forms that would change it are not shown, and the
 * service refuses them anyway (`self_change`).
 */
export async function userAccountPages(app: FastifyInstance, deps: HubWebDeps): Promise<void> {
  const { users } = deps.services;
  const guard = { preHandler: webGuard(deps, 'users.manage') };
  const post = { preHandler: [webGuard(deps, 'users.manage'), app.csrfProtection] };

  app.get('/utilisateurs/:username', guard, async (request, reply) =>
    accountPage(request, reply, users, params.parse(request.params).username, null),
  );

  for (const [segment, method, done] of ACTIONS) {
    app.post(`/utilisateurs/:username/${segment}`, post, async (request, reply) => {
      const { username } = params.parse(request.params);
      return change(request, reply, users, username, done, (actor) => users[method](actor, username));
    });
  }

  app.post('/utilisateurs/:username/roles', post, async (request, reply) => {
    const { username } = params.parse(request.params);
    const roles = checkedValues((request.body as { roles?: unknown } | undefined)?.roles);
    return change(request, reply, users, username, 'user_roles_changed', (actor) =>
      users.setRoles(actor, username, roles),
    );
  });
}

async function change(
  request: FastifyRequest,
  reply: FastifyReply,
  users: UserManagementService,
  username: string,
  done: string,
  apply: (actor: UserAdminActor) => Promise<unknown>,
) {
  try {
    await apply(webUser(request));
  } catch (error) {
    // An unknown account or a missing permission is the error page's; the rest is said on the page.
    if (!(error instanceof UserError) || !Object.hasOwn(REFUSAL, error.code)) throw error;
    const status = USER_ERROR_STATUS[error.code];
    return accountPage(request, reply.status(status), users, username, REFUSAL[error.code] ?? null);
  }
  return reply.redirect(`${userHref(username)}?ok=${done}`, 303);
}

async function accountPage(
  request: FastifyRequest,
  reply: FastifyReply,
  users: UserManagementService,
  username: string,
  refusal: string | null,
) {
  const me = webUser(request);
  const account = await users.get(me, username);
  const href = userHref(account.username);
  return renderHubPage(request, reply, 'user', {
    title: `Compte ${account.username}`,
    account: userRow(account),
    isActive: account.active,
    isSelf: account.username === me.username,
    roles: roleChoices(account.roles),
    refusal,
    actions: {
      deactivate: `${href}/desactiver`,
      reactivate: `${href}/reactiver`,
      unlock: `${href}/deverrouiller`,
      resetTotp: `${href}/reinitialiser-totp`,
      roles: `${href}/roles`,
    },
  });
}
