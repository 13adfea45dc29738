import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UserAdminActor } from '../services/users/user-changes.js';
import { createUserSchema, type UserManagementService } from '../services/users/user-management.js';
import { rolesSchema, usernameSchema } from '../services/users/user-rows.js';
import { userChangedResponse, userCreatedResponse, usersResponse } from './api-schemas.js';
import { guarded } from './wire.js';

/** What the account administration API needs. */
export interface UserRoutesDeps {
  readonly users: UserManagementService;
  /** A preHandler that lets through only callers holding the permission, setting `request.user`. */
  readonly guard: (permission: string) => preHandlerHookHandler;
}

/** The caller the guard let through: the service checks their permission again and audits them. */
function actorOf(request: FastifyRequest): UserAdminActor {
  if (!request.user) throw new TypeError('user route registered without its guard');
  return request.user;
}

const userParams = z.strictObject({ username: usernameSchema });

type BodilessChange = 'deactivate' | 'reactivate' | 'unlock' | 'resetTotp';

/** The changes that take no body: path segment, the service's method, summary. */
const ACTIONS: readonly (readonly [string, BodilessChange, string])[] = [
  ['deactivate', 'deactivate', 'Deactivate an account: it can no longer log in, its sessions end (audited)'],
  ['reactivate', 'reactivate', 'Reactivate a deactivated account (audited)'],
  ['unlock', 'unlock', 'Lift a login lockout before it runs out (audited)'],
  [
    'reset-totp',
    'resetTotp',
    'Remove the TOTP secret and recovery codes; sessions end, login waits for a new enrolment (audited)',
  ],
];

/**
 * The ministry's accounts (`users.manage`): list, create, deactivate, reactivate, unlock, reset
 * TOTP, set roles. Every change is audited; an administrator's own roles, deactivation and second
 * factor are refused with 403 `self_change`. Refusals are coded errors the catalogue answers.
 */
export async function userRoutes(app: FastifyInstance, deps: UserRoutesDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { users } = deps;
  const guard = deps.guard('users.manage');

  api.get(
    '/api/v1/users',
    {
      preHandler: guard,
      schema: {
        summary: 'Every ministry account, by username, with its lockout',
        tags: ['users'],
        response: { 200: usersResponse, ...guarded() },
      },
    },
    async (request) => ({ users: await users.list(actorOf(request)) }),
  );

  api.post(
    '/api/v1/users',
    {
      preHandler: guard,
      schema: {
        summary: 'Create an account; without a password the hub makes one, returned once (audited)',
        tags: ['users'],
        body: createUserSchema,
        response: { 201: userCreatedResponse, ...guarded([409, 413]) },
      },
    },
    async (request, reply) => {
      const created = await users.create(actorOf(request), request.body);
      // The answer may carry a password: no cache keeps it.
      return reply.status(201).header('cache-control', 'no-store').send(created);
    },
  );

  for (const [action, method, summary] of ACTIONS) {
    api.post(
      `/api/v1/users/:username/${action}`,
      {
        preHandler: guard,
        schema: {
          summary,
          tags: ['users'],
          params: userParams,
          response: { 200: userChangedResponse, ...guarded([404]) },
        },
      },
      async (request) => ({
        user: await users[method](actorOf(request), request.params.username),
      }),
    );
  }

  api.put(
    '/api/v1/users/:username/roles',
    {
      preHandler: guard,
      schema: {
        summary: "Replace an account's roles; its sessions end (audited; never one's own)",
        tags: ['users'],
        params: userParams,
        body: z.strictObject({ roles: rolesSchema }),
        response: { 200: userChangedResponse, ...guarded([404]) },
      },
    },
    async (request) => ({
      user: await users.setRoles(actorOf(request), request.params.username, request.body.roles),
    }),
  );
}
