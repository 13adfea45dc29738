import type { FastifyInstance } from 'fastify';
import { bookingChangesRoutes } from './booking-changes-routes.js';
import { bookingRoutes } from './booking-routes.js';
import { DEFAULT_PUBLIC_RATE_LIMITS, type PublicApiDeps, type PublicRouteDeps } from './deps.js';
import { filesRoutes } from './files-routes.js';
import { checkoutRoutes, webhookRoutes } from './payments-routes.js';
import { registrationsRoutes } from './registrations-routes.js';
import { servicesRoutes } from './services-routes.js';
import { slotsRoutes } from './slots-routes.js';

export { DEFAULT_PUBLIC_RATE_LIMITS, type PublicApiDeps, type PublicRateLimits } from './deps.js';
export { PublicApiError, PublicErrorCode } from './error-statuses.js';
export { SECRET_HEADER } from './file-schemas.js';

/** Where the public API lives (DESIGN.md, "Public interfaces"). */
export const PUBLIC_API_PREFIX = '/api/v1';

/** Requests to the public API carry small JSON bodies; a bigger one is refused with 413. */
export const PUBLIC_BODY_LIMIT = 16 * 1024;

/**
 * The mission node's public JSON API, for the citizen portal, the kiosk and the USSD channel:
 * catalogue, slots, bookings, files, registrations and online payments, under `/api/v1`. Register
 * it on the app of node/http/app.ts (its error handler, validators and OpenAPI document).
 */
export async function publicApiRoutes(app: FastifyInstance, deps: PublicApiDeps): Promise<void> {
  const routeDeps: PublicRouteDeps = {
    ...deps,
    now: deps.now ?? (() => new Date()),
    limits: { ...DEFAULT_PUBLIC_RATE_LIMITS, ...deps.rateLimits },
  };
  await app.register(
    async (api) => {
      api.addHook('onRoute', (route) => {
        route.bodyLimit ??= PUBLIC_BODY_LIMIT;
      });
      for (const routes of [
        servicesRoutes,
        slotsRoutes,
        bookingRoutes,
        bookingChangesRoutes,
        filesRoutes,
        registrationsRoutes,
        checkoutRoutes,
        webhookRoutes,
      ]) {
        await api.register(routes, routeDeps);
      }
    },
    { prefix: PUBLIC_API_PREFIX },
  );
}
