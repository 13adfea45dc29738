import { afterEach, describe, expect, it } from 'vitest';
import { staffApps } from './_util/backoffice-pages.js';

const apps = staffApps();
afterEach(apps.closeAll);

const staffSide = (url: string) => url.startsWith('/api/v1/staff') || url.startsWith('/staff');
// Open by design: signing in and out, the back office's own files, and the door to the login.
const OPEN = new Set(['/api/v1/staff/login', '/api/v1/staff/logout', '/staff', '/staff/', '/staff/login']);
const isOpen = (url: string) => OPEN.has(url) || url.startsWith('/staff/assets/');

/** A URL for a route pattern, every parameter filled with a well-formed value no record has. */
function concrete(url: string): string {
  return url.replace(/:(\w+)/g, (_all, name: string) =>
    name === 'trackingNumber'
      ? 'PAR-2026-000001-K'
      : name === 'reference'
        ? 'RDV7K2M9Q'
        : '0190f0c8-0000-7000-8000-000000000000',
  );
}

describe('staff routes: nothing without a session', () => {
  it('puts a guard in front of every staff API route and back-office page but the login', async () => {
    const s = await apps.open();
    const unguarded = s.routes
      .filter((route) => staffSide(route.url) && !isOpen(route.url) && route.method !== 'HEAD')
      .filter((route) => !route.hooked)
      .map((route) => `${route.method} ${route.url}`);
    expect(unguarded).toEqual([]);
  });

  it('answers 401 to every staff API read and sends every back-office page to the login, without a session', async () => {
    const s = await apps.open();
    const reads = s.routes.filter(
      (route) =>
        route.method === 'GET' && staffSide(route.url) && !isOpen(route.url) && !route.url.endsWith('/live'),
    );
    expect(reads.length).toBeGreaterThan(20);
    for (const route of reads) {
      const response = await s.app.inject({ url: concrete(route.url) });
      if (route.url.startsWith('/api/')) expect(response.statusCode, route.url).toBe(401);
      else {
        expect(response.statusCode, route.url).toBe(303);
        expect(response.headers.location, route.url).toBe('/staff/login');
      }
    }
  });

  it('refuses a write without a session before looking at its body', async () => {
    const s = await apps.open();
    const invalid = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/files',
      payload: { nonsense: true },
    });
    expect(invalid.statusCode).toBe(401);
    const scan = await s.app.inject({
      method: 'POST',
      url: `/api/v1/staff/files/0190f0c8-0000-7000-8000-000000000000/documents?label=x`,
      headers: { 'content-type': 'image/jpeg' },
      payload: Buffer.alloc(3_000_000, 0xff),
    });
    expect(scan.statusCode).toBe(401);
    expect(scan.json().error.code).toBe('unauthenticated');
  });
});
