import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  STAFF_ROLES,
  type StaffActor,
  StaffError,
  type StaffService,
  type StaffUser,
  type StaffWithPassword,
} from '../../services/staff/index.js';
import { missionTime } from '../staff/staff-clock.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { pageGuard, pagePrincipal } from './page-guard.js';
import { done, renderPage } from './page-render.js';

const idParams = z.strictObject({ id: z.uuid() });
const csrfOnly = z.strictObject({ _csrf: z.string().max(200) });
/** Checkboxes: one ticked arrives as a string, several as a list, none as nothing. */
const rolesField = z
  .union([z.enum(STAFF_ROLES), z.array(z.enum(STAFF_ROLES)).max(8)])
  .optional()
  .transform((roles) => (roles === undefined ? [] : Array.isArray(roles) ? roles : [roles]));

export const ROLE_LABELS: Readonly<Record<string, string>> = {
  agent: 'Agent',
  consul: 'Consul',
  admin: 'Administrateur',
  auditor: 'Auditeur',
};

/** An account change with nothing to show but its confirmation. */
interface AccountAction {
  readonly path: string;
  readonly ok: string;
  readonly run: (staff: StaffService, actor: StaffActor, userId: string) => unknown;
}

const ACTIONS: readonly AccountAction[] = [
  { path: 'desactiver', ok: 'staff_off', run: (staff, actor, id) => staff.deactivate(actor, id) },
  { path: 'reactiver', ok: 'staff_on', run: (staff, actor, id) => staff.reactivate(actor, id) },
  { path: 'debloquer', ok: 'staff_unlocked', run: (staff, actor, id) => staff.unlock(actor, id) },
  { path: 'reinitialiser-totp', ok: 'staff_totp', run: (staff, actor, id) => staff.resetTotp(actor, id) },
  {
    path: 'fermer-sessions',
    ok: 'staff_sessions',
    run: (staff, actor, id) => staff.revokeSessions(actor, id),
  },
];

/**
 * Staff accounts, for administrators: the list, creation (the temporary password is shown once, to
 * be handed over by voice or on paper), roles, deactivation, lockout, TOTP reset, password reset
 * and ending sessions. The staff service checks `staff.manage` again and audits every change.
 */
export async function staffAdminPages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { staff } = deps.domain;
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const admin = pageGuard(deps, 'staff.manage');
  const guarded = [admin, app.csrfProtection];

  pages.get(
    '/personnel',
    {
      schema: { hide: true, querystring: z.strictObject({ ok: z.string().max(30).optional() }) },
      preHandler: admin,
    },
    async (request, reply) => showList(deps, request, reply, { error: null, values: {} }),
  );

  pages.post(
    '/personnel',
    {
      schema: {
        hide: true,
        body: csrfOnly.extend({
          username: z.string().max(64),
          displayName: z.string().max(200),
          roles: rolesField,
        }),
      },
      preHandler: guarded,
    },
    async (request, reply) => {
      const { username, displayName, roles } = request.body;
      try {
        const created = await staff.createStaff(pagePrincipal(request), { username, displayName, roles });
        return showPassword(request, reply, created, 'created');
      } catch (error) {
        if (!(error instanceof StaffError) || !['invalid_input', 'username_taken'].includes(error.code))
          throw error;
        reply.status(error.code === 'username_taken' ? 409 : 400);
        const message =
          error.code === 'username_taken'
            ? 'Cet identifiant est déjà pris.'
            : 'Vérifiez l’identifiant (2 à 32 caractères a–z, 0–9, « . », « _ », « - », commençant par une lettre), le nom et au moins un rôle.';
        return showList(deps, request, reply, { error: message, values: { username, displayName, roles } });
      }
    },
  );

  pages.post(
    '/personnel/:id/roles',
    {
      schema: { hide: true, params: idParams, body: csrfOnly.extend({ roles: rolesField }) },
      preHandler: guarded,
    },
    async (request, reply) => {
      staff.setRoles(pagePrincipal(request), request.params.id, request.body.roles);
      return done(reply, '/personnel', 'staff_roles');
    },
  );

  for (const action of ACTIONS) {
    pages.post(
      `/personnel/:id/${action.path}`,
      { schema: { hide: true, params: idParams, body: csrfOnly }, preHandler: guarded },
      async (request, reply) => {
        action.run(staff, pagePrincipal(request), request.params.id);
        return done(reply, '/personnel', action.ok);
      },
    );
  }

  pages.post(
    '/personnel/:id/mot-de-passe',
    { schema: { hide: true, params: idParams, body: csrfOnly }, preHandler: guarded },
    async (request, reply) =>
      showPassword(
        request,
        reply,
        await staff.resetPassword(pagePrincipal(request), request.params.id),
        'reset',
      ),
  );
}

function showList(
  deps: StaffHttpDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  form: {
    error: string | null;
    values: { username?: string; displayName?: string; roles?: readonly string[] };
  },
): FastifyReply {
  const principal = pagePrincipal(request);
  const users = deps.domain.staff.list(principal).map((user) => listedUser(deps, user, principal.id));
  return renderPage(request, reply, 'staff', {
    title: 'Personnel',
    users,
    roles: STAFF_ROLES.map((value) => ({ value, label: ROLE_LABELS[value] })),
    form: { ...form, values: { username: '', displayName: '', roles: [], ...form.values } },
  });
}

function listedUser(deps: StaffHttpDeps, user: StaffUser, selfId: string) {
  return {
    ...user,
    isSelf: user.id === selfId,
    roleLabels: user.roles.map((role) => ROLE_LABELS[role] ?? role).join(', '),
    lastLogin: user.lastLoginAt ? missionTime(deps, user.lastLoginAt) : 'jamais',
    setup: user.mustChangePassword
      ? 'Mot de passe provisoire à changer'
      : user.totpEnrolled
        ? 'Double authentification active'
        : 'Double authentification à activer',
  };
}

// The password leaves the node once, on this page: never cached, never in a URL or a log.
function showPassword(
  request: FastifyRequest,
  reply: FastifyReply,
  result: StaffWithPassword,
  reason: 'created' | 'reset',
): FastifyReply {
  void reply.header('cache-control', 'no-store');
  return renderPage(request, reply, 'staff-password', {
    title: reason === 'created' ? 'Compte créé' : 'Mot de passe réinitialisé',
    reason,
    user: result.user,
    temporaryPassword: result.temporaryPassword,
  });
}
