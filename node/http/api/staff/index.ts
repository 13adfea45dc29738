import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors.js';
import { decorateStaffRequest, identify } from '../../staff/staff-auth.js';
import type { StaffHttpDeps } from '../../staff/staff-deps.js';
import { staffAdminRoutes } from './admin-routes.js';
import { staffAppointmentRoutes } from './appointment-routes.js';
import { staffAuthRoutes } from './auth-routes.js';
import { staffDirectiveRoutes } from './directive-routes.js';
import { DOCUMENT_UPLOAD_TYPES, mediaTypeOf, staffFileDocumentRoutes } from './file-document-routes.js';
import { staffFileRoutes } from './file-routes.js';
import { staffPaymentRoutes } from './payment-routes.js';
import { staffRegistryRoutes } from './registry-routes.js';
import { staffRollCallRoutes } from './roll-call-routes.js';
import { staffSettlementRoutes } from './settlement-routes.js';
import { staffSmsRoutes } from './sms-routes.js';
import { staffVisaRoutes } from './visa-routes.js';

export { requireSession, requireStaff, SESSION_COOKIE } from '../../staff/staff-auth.js';
export type { StaffHttpDeps } from '../../staff/staff-deps.js';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The routes that work without a session (the 404 handler has no route URL: it needs none either). */
const SESSIONLESS = new Set(['/api/v1/staff/login', '/api/v1/staff/logout', '']);

/**
 * The staff JSON API under `/api/v1/staff`. Register with the node's app:
 * `app.register(staffApiRoutes, deps)`. Every route but `/login` and `/logout` is behind a guard of
 * the role table.
 */
export async function staffApiRoutes(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  await app.register(
    async (scope) => {
      decorateStaffRequest(scope);
      // The session first, before the body or the query is even read: someone not logged in
      // learns nothing of a route's input, and an upload is refused before it is received.
      // Each route's guard then checks the permission on the principal found here.
      scope.addHook('onRequest', async (request) => {
        if (SESSIONLESS.has(request.routeOptions.url ?? '')) return;
        if (!identify(deps.domain.staff, request)) throw new ApiError('unauthenticated', 'log in first');
      });
      // Cookie-authenticated JSON only: a cross-site form can post urlencoded or text bodies
      // without a preflight, never application/json. SameSite=Strict is the first defence; this
      // is the second.
      // A scan's own type (PDF, JPEG, PNG) is not one a form can send either.
      scope.addHook('preValidation', async (request) => {
        const type = request.headers['content-type'];
        if (UNSAFE_METHODS.has(request.method) && type !== undefined && !acceptedBody(type)) {
          throw new ApiError(
            'unsupported_media_type',
            'the staff API takes application/json (and scans as themselves)',
          );
        }
      });
      await scope.register(staffAuthRoutes, deps);
      await scope.register(staffAppointmentRoutes, deps);
      await scope.register(staffFileRoutes, deps);
      await scope.register(staffFileDocumentRoutes, deps);
      await scope.register(staffPaymentRoutes, deps);
      await scope.register(staffSettlementRoutes, deps);
      await scope.register(staffRegistryRoutes, deps);
      await scope.register(staffDirectiveRoutes, deps);
      await scope.register(staffAdminRoutes, deps);
      await scope.register(staffSmsRoutes, deps);
      await scope.register(staffRollCallRoutes, deps);
      await scope.register(staffVisaRoutes, deps);
    },
    { prefix: '/api/v1/staff' },
  );
}

function acceptedBody(contentType: string): boolean {
  const type = mediaTypeOf(contentType);
  return type === 'application/json' || DOCUMENT_UPLOAD_TYPES.includes(type);
}
