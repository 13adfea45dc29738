import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORTAL_FORM_ROUTES, PORTAL_ROUTES, PORTAL_STEP_ROUTES } from '../node/http/portal/index.js';
import { listServices } from '../node/services/catalogue/catalogue.js';
import { applicant, codeFor, TUESDAY_9AM } from './_util/appointments.js';
import type { TestNode } from './_util/node-app.js';
import { PortalVisitor, portalNode } from './_util/portal.js';

/** One round trip on a slow link: the DESIGN's budget of every portal page, compressed. */
const PAGE_BUDGET = 14 * 1024;
const LANGS = ['fr', 'sg', 'en'] as const;

let node: TestNode;
let pages: string[];
let heldReference: string;

/** Every GET page of the portal: the route list, each service, each form, and each booking step. */
function allPages(n: TestNode): string[] {
  const services = listServices(n.store, 'fr').map((service) => service.code);
  const held = n.domain.appointments.book(
    { serviceCode: 'passport-renewal', slotStart: TUESDAY_9AM, ...applicant(1) },
    'test',
  );
  heldReference = held.reference;
  const booked = n.domain.appointments.book(
    { serviceCode: 'passport-renewal', slotStart: TUESDAY_9AM, ...applicant(2) },
    'test',
  );
  n.domain.appointments.confirm(
    { reference: booked.reference, code: codeFor(n.store, booked.reference) },
    'test',
  );
  const person = n.domain.people.create({ givenNames: 'Awa', familyName: 'Yakité' }, 'test');
  const file = n.domain.files.open(
    { personId: person.id, serviceCode: 'consular-card', channel: 'counter' },
    'test',
  );
  const invoice = n.domain.payments.createInvoice(
    {
      serviceCode: 'consular-card',
      fileId: file.id,
      lines: [{ label: 'Carte', unitMinor: 10_000, currency: 'XAF' }],
    },
    'test',
  );
  const steps = PORTAL_STEP_ROUTES.map((route) =>
    route
      .replace(':service', 'passport-renewal')
      .replace(':slotStart', encodeURIComponent(TUESDAY_9AM))
      .replace(':invoiceId', invoice.id),
  ).flatMap((route) =>
    route.includes('/code/')
      ? [route.replace(':reference', held.reference)]
      : [route.replace(':reference', booked.reference)],
  );
  return [
    ...PORTAL_ROUTES,
    ...services.map((code) => `/services/${code}`),
    ...services.map((code) => `/formulaires/${code}`),
    ...services.map((code) => `/rendez-vous/creneaux?service=${code}`),
    ...steps,
  ];
}

function withLang(url: string, lang: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}lang=${lang}`;
}

beforeAll(async () => {
  node = await portalNode();
  pages = [...new Set(allPages(node))];
});
afterAll(async () => {
  await node.cleanup();
});

describe('portal pages', () => {
  it('renders every page in fr, sg and en, with its lang attribute and language', async () => {
    expect(pages.length).toBeGreaterThan(40);
    for (const url of pages) {
      for (const lang of LANGS) {
        const page = await new PortalVisitor(node).get(withLang(url, lang));
        expect(page.statusCode, `${lang} ${url}`).toBe(200);
        expect(page.headers['content-type']).toMatch(/^text\/html/);
        expect(page.headers['content-language']).toBe(lang);
        expect(page.body).toMatch(new RegExp(`<html lang="${lang}">`));
        expect(page.body, `${lang} ${url}`).not.toMatch(/undefined|\[object |NaN/);
        expect(page.body).toMatch(/<h1>[^<]+<\/h1>/);
      }
    }
  });

  it(`sends every page in at most ${PAGE_BUDGET} bytes compressed`, async () => {
    const sizes: Record<string, number> = {};
    for (const url of pages) {
      for (const lang of LANGS) {
        const page = await new PortalVisitor(node, { 'accept-encoding': 'gzip, br' }).get(
          withLang(url, lang),
        );
        expect(page.headers['content-encoding'], url).toMatch(/^(br|gzip)$/);
        sizes[`${lang} ${url}`] = page.rawPayload.length;
      }
    }
    const over = Object.entries(sizes).filter(([, size]) => size > PAGE_BUDGET);
    expect(over).toEqual([]);
  });

  it('serves one small stylesheet, cached for a year under a versioned URL', async () => {
    const home = await new PortalVisitor(node).get('/');
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec(home.body)?.[1] ?? '';
    expect(href).toMatch(/^\/static\/portal\.css\?v=[0-9a-f]{10}$/);
    expect(home.body.match(/<link rel="stylesheet"/g)).toHaveLength(1);
    const css = await new PortalVisitor(node, { 'accept-encoding': 'gzip, br' }).get(href);
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(css.rawPayload.length).toBeLessThan(4 * 1024);
  });

  it('keeps pages without a form in the browser cache only, and form pages nowhere', async () => {
    const info = await new PortalVisitor(node).get('/services');
    expect(info.headers['cache-control']).toBe('private, max-age=300');
    expect(String(info.headers.vary)).toMatch(/accept-language, cookie/);
    const form = await new PortalVisitor(node).get('/suivi');
    expect(form.headers['cache-control']).toBe('no-store');
  });

  it('has no script and no inline style, under the node’s content security policy', async () => {
    for (const url of PORTAL_ROUTES) {
      const page = await new PortalVisitor(node).get(url);
      expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
      expect(page.body).not.toMatch(/<script|\sstyle=|<style|\son[a-z]+=/i);
    }
  });

  it('gives every input a label, and the page a skip link, headings and a main landmark', async () => {
    for (const url of PORTAL_ROUTES) {
      const body = (await new PortalVisitor(node).get(url)).body;
      expect(body).toContain('<a class="skip" href="#main">');
      expect(body).toContain('<main id="main"');
      const ids = [
        ...body.matchAll(/<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*\bid="([^"]+)"/g),
      ].map((m) => m[1]);
      const inputs = [...body.matchAll(/<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*>/g)];
      expect(ids.length, url).toBe(inputs.length);
      for (const id of ids) expect(body, `${url} #${id}`).toContain(`for="${id}"`);
    }
  });

  it('refuses every form posted without its CSRF token, and changes nothing', async () => {
    const before = node.store.db.prepare('SELECT count(*) AS n FROM audit_log').get();
    for (const route of PORTAL_FORM_ROUTES) {
      const url = route.replace(':reference', heldReference);
      const visitor = new PortalVisitor(node);
      await visitor.get('/suivi');
      const refused = await visitor.post(url, { _csrf: '', numero: 'PAR-2026-000001-X', code: '123456' });
      expect(refused.statusCode, url).toBe(403);
      expect(refused.body).toContain('role="alert"');
    }
    expect(node.store.db.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual(before);
  });

  it('answers an unknown service, booking or invoice with a 404 page in the reader’s language', async () => {
    for (const url of [
      '/services/no-such-thing',
      '/rendez-vous/confirmation/RDV-2222-2222',
      '/paiement/retour/6f1c2b9e-1d2a-4c3b-9e8f-0a1b2c3d4e5f',
    ]) {
      const page = await new PortalVisitor(node).get(withLang(url, 'en'));
      expect(page.statusCode, url).toBe(404);
      expect(page.body).toMatch(/<html lang="en">/);
      expect(page.body).toContain('role="alert"');
    }
  });
});
