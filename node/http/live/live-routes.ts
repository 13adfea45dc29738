import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../services/staff/index.js';
import { ApiError } from '../errors.js';
import { decorateStaffRequest, identify } from '../staff/staff-auth.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { livePermission } from './live-permission.js';

/** Path of the agents' live socket. */
export const LIVE_PATH = '/api/v1/staff/live';

/**
 * A socket is closed after this long and the page's script reconnects, which authenticates the
 * session again: a revoked or expired session stops receiving within this delay.
 */
export const SOCKET_LIFETIME_MS = 5 * 60_000;

/**
 * `GET /api/v1/staff/live` (websocket): an authenticated, enrolled staff member's screen receives
 * the committed changes (the domain's change feed) their roles may read, as JSON text frames. Registers @fastify/websocket unless
 * an enclosing scope already did (register it at the root to use `app.injectWS` in tests).
 */
export async function liveRoutes(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  if (!app.hasDecorator('websocketServer')) {
    await app.register(websocket, { options: { maxPayload: 1024 } });
  }
  decorateStaffRequest(app);
  app.get(
    LIVE_PATH,
    { websocket: true, preHandler: async (request) => admit(deps, request) },
    (socket, request) => {
      const principal = request.staff;
      if (!principal) return socket.close(1008, 'unauthenticated');
      const unsubscribe = deps.domain.changes.subscribe((event) => {
        const permission = livePermission(event.type);
        if (permission === undefined || !can(principal, permission)) return;
        socket.send(JSON.stringify(event));
      });
      const lifetime = setTimeout(() => socket.close(4000, 'reconnect'), SOCKET_LIFETIME_MS);
      lifetime.unref();
      socket.on('close', () => {
        clearTimeout(lifetime);
        unsubscribe();
      });
      // Screens only listen; anything they send is ignored.
      socket.on('message', () => undefined);
    },
  );
}

// Browsers send cookies on a websocket upgrade from any site (no CORS on sockets): besides the
// SameSite=Strict cookie, a page of another origin is refused by its Origin header.
function admit(deps: StaffHttpDeps, request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin !== undefined && !sameOrigin(origin, request.headers.host)) {
    throw new ApiError('forbidden', 'cross-origin socket refused');
  }
  const principal = identify(deps.domain.staff, request);
  if (!principal) throw new ApiError('unauthenticated', 'log in first');
  if (principal.pending.length > 0) throw new ApiError('forbidden', 'finish setting up the account first');
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
