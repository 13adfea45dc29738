import type { LightMyRequestResponse } from 'fastify';
import { csrfOf, openStaffApp, type StaffApp } from './staff-app.js';

const FORM = 'application/x-www-form-urlencoded';

/** A logged-in back-office user: their session cookie, and page/form helpers bound to it. */
export interface PageUser {
  readonly cookie: string;
  /** GETs a page with the session. */
  get(url: string): Promise<LightMyRequestResponse>;
  /** Posts a form with the CSRF token of `page` (omitted when `csrf` is ''). */
  post(url: string, fields: Record<string, string>, csrf?: string): Promise<LightMyRequestResponse>;
  /** GETs `page`, then posts the form with that page's CSRF token. */
  submit(page: string, url: string, fields: Record<string, string>): Promise<LightMyRequestResponse>;
}

/** Logs an account in and returns its page helpers. */
export async function pageUser(s: StaffApp, user: Parameters<StaffApp['login']>[0]): Promise<PageUser> {
  const { cookie } = await s.login(user);
  const get = (url: string) => s.app.inject({ url, headers: { cookie } });
  const post = (url: string, fields: Record<string, string>, csrf?: string) =>
    s.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': FORM },
      payload: new URLSearchParams({ ...fields, _csrf: csrf ?? '' }).toString(),
    });
  const submit = async (page: string, url: string, fields: Record<string, string>) => {
    const shown = await get(page);
    if (shown.statusCode !== 200) throw new Error(`${page} answered ${shown.statusCode}`);
    return post(url, fields, csrfOf(shown.body));
  };
  return { cookie, get, post, submit };
}

/** Audit entries of an action, oldest first. */
export function auditEntries(
  s: StaffApp,
  action: string,
): Array<{ actor: string; entity: string; entityId: string }> {
  return s.temp.store.db
    .prepare('SELECT actor, entity, entity_id AS entityId FROM audit_log WHERE action = ? ORDER BY seq')
    .all(action) as Array<{ actor: string; entity: string; entityId: string }>;
}

/** Opens staff apps and closes them after each test (call `closeAll` in afterEach). */
export function staffApps() {
  const opened: StaffApp[] = [];
  return {
    open: async (): Promise<StaffApp> => {
      const app = await openStaffApp();
      opened.push(app);
      return app;
    },
    closeAll: async (): Promise<void> => {
      for (const app of opened.splice(0)) await app.close();
    },
  };
}
