import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ChangeNotice } from '../../live/change-feed.js';
import { can } from '../../services/users/permissions.js';
import type { HubWebDeps } from './web-deps.js';
import { identifyUser, WebForbidden } from './web-guard.js';

/**
 * A socket is closed after this long and the page's script reconnects, which checks the session
 * again: a session that ended stops receiving within this delay.
 */
export const SOCKET_LIFETIME_MS = 5 * 60_000;

/** Notices of one mission and topic within this delay reach a screen as one. */
export const COALESCE_MS = 200;

/**
 * `GET /web/live` (websocket): an open dashboard of a user with `dashboard.read` receives a JSON
 * notice `{ missionId, topic }` each time ingest commits something its figures show. The page
 * then fetches itself again; notices carry no figures, so permissions apply as usual.
 */
export async function liveSocket(app: FastifyInstance, deps: HubWebDeps): Promise<void> {
  if (!app.hasDecorator('websocketServer')) await app.register(websocket, { options: { maxPayload: 1024 } });
  app.get('/live', { websocket: true, preHandler: async (request) => admit(deps, request) }, (socket) => {
    const batcher = coalesce((notice) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(notice));
    });
    const unsubscribe = deps.changes.subscribe(batcher.add);
    const lifetime = setTimeout(() => socket.close(4000, 'reconnect'), SOCKET_LIFETIME_MS);
    lifetime.unref();
    socket.on('close', () => {
      clearTimeout(lifetime);
      batcher.cancel();
      unsubscribe();
    });
    // Screens only listen; anything they send is ignored.
    socket.on('message', () => undefined);
  });
}

/**
 * A mission catching up commits a batch every few milliseconds: a screen hears of each mission and
 * topic at most once per {@link COALESCE_MS}, which keeps well inside the 2 s the update may take.
 */
function coalesce(send: (notice: ChangeNotice) => void) {
  const pending = new Map<string, ChangeNotice>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    for (const notice of pending.values()) send(notice);
    pending.clear();
  };
  return {
    add(notice: ChangeNotice) {
      pending.set(`${notice.missionId} ${notice.topic}`, notice);
      timer ??= setTimeout(flush, COALESCE_MS);
    },
    cancel() {
      clearTimeout(timer);
      pending.clear();
    },
  };
}

// Browsers send cookies on a websocket upgrade from any site (no CORS for sockets): besides the
// SameSite=Strict cookie, a page of another origin is refused by its Origin header.
async function admit(deps: HubWebDeps, request: FastifyRequest): Promise<void> {
  const origin = request.headers.origin;
  if (origin !== undefined && !isSameOrigin(origin, request.headers.host)) {
    throw new WebForbidden('cross-origin socket refused');
  }
  const user = await identifyUser(deps, request);
  if (user === null || !can(user, 'dashboard.read')) throw new WebForbidden('no session for the live feed');
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
