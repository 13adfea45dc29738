import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import csrfProtection from '@fastify/csrf-protection';
import view from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decorateStaffRequest, identify } from '../staff/staff-auth.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { accountPages } from './account-pages.js';
import { appointmentPages } from './appointment-pages.js';
import { civilStatusPages } from './civil-status-pages.js';
import { counterFilePages } from './counter-file-pages.js';
import { directivePages } from './directive-pages.js';
import { filePages } from './file-pages.js';
import { fileScanPages } from './file-scan-pages.js';
import { loginPages } from './login-pages.js';
import { setPageErrorHandler } from './page-errors.js';
import { BACKOFFICE, decorateCsrfSession } from './page-guard.js';
import { homePath } from './page-render.js';
import { paymentPages } from './payment-pages.js';
import { recoveryPages } from './recovery-pages.js';
import { refundPages } from './refund-pages.js';
import { registrationPages } from './registration-pages.js';
import { rollCallPages } from './roll-call-pages.js';
import { settlementPages } from './settlement-pages.js';
import { smsPages } from './sms-pages.js';
import { staffAdminPages } from './staff-admin-pages.js';
import { visaPages } from './visa-pages.js';

const VIEWS = fileURLToPath(new URL('./views', import.meta.url));
const ASSETS = fileURLToPath(new URL('./assets', import.meta.url));

/** Static files of the back office: one stylesheet and the live-update script. */
const STATIC_FILES: Readonly<Record<string, string>> = {
  'backoffice.css': 'text/css; charset=utf-8',
  'live.js': 'text/javascript; charset=utf-8',
};

/**
 * The back-office pages under `/staff`: server-rendered with Eta (auto-escaping on), plain HTML
 * forms with a CSRF token bound to the staff session, no inline script. Register with the node's
 * app: `app.register(backofficeRoutes, deps)`.
 */
export async function backofficeRoutes(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  await app.register(
    async (scope) => {
      decorateStaffRequest(scope);
      decorateCsrfSession(scope);
      await scope.register(view, {
        engine: { eta: new Eta({ views: VIEWS, autoEscape: true, autoTrim: [false, 'nl'] }) },
        root: VIEWS,
        production: true,
      });
      await scope.register(csrfProtection, {
        sessionPlugin: '@fastify/session',
        getToken: (request: FastifyRequest) => (request.body as { _csrf?: string } | undefined)?._csrf,
      });
      setPageErrorHandler(scope);
      serveStatic(scope);
      scope.get('/', { schema: { hide: true } }, (request, reply) => {
        const principal = identify(deps.domain.staff, request);
        return reply.redirect(principal ? homePath(principal) : `${BACKOFFICE}/login`, 303);
      });
      for (const pages of [
        loginPages,
        accountPages,
        appointmentPages,
        counterFilePages,
        filePages,
        fileScanPages,
        paymentPages,
        refundPages,
        registrationPages,
        civilStatusPages,
        directivePages,
        rollCallPages,
        settlementPages,
        recoveryPages,
        smsPages,
        staffAdminPages,
        visaPages,
      ]) {
        await scope.register(pages, deps);
      }
    },
    { prefix: BACKOFFICE },
  );
}

function serveStatic(scope: FastifyInstance): void {
  for (const [name, type] of Object.entries(STATIC_FILES)) {
    const body = readFileSync(`${ASSETS}/${name}`);
    scope.get(`/assets/${name}`, { schema: { hide: true } }, (_request, reply) =>
      reply.type(type).header('cache-control', 'public, max-age=3600').send(body),
    );
  }
}
