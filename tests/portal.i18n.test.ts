import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CATALOGUES,
  fromAcceptLanguage,
  LANGUAGES,
  MESSAGE_KEYS,
  negotiateLanguage,
  placeholdersOf,
  SANGO_REVIEWED,
  sangoAwaitingReview,
  translator,
  untranslatedKeys,
} from '../node/i18n/index.js';
import type { TestNode } from './_util/node-app.js';
import { PortalVisitor, portalNode } from './_util/portal.js';

const VIEWS = join(import.meta.dirname, '../node/http/portal/views');

const nodes: TestNode[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.cleanup();
});

async function open(): Promise<TestNode> {
  const node = await portalNode();
  nodes.push(node);
  return node;
}

describe('portal messages', () => {
  it('has every key translated in fr, sg and en', () => {
    for (const lang of LANGUAGES) expect(untranslatedKeys(lang), lang).toEqual([]);
  });

  it('finds a key left untranslated, missing or empty', () => {
    const sg = CATALOGUES.sg as Record<string, string>;
    const saved = sg['nav.home'];
    try {
      sg['nav.home'] = CATALOGUES.fr['nav.home'];
      expect(untranslatedKeys('sg')).toEqual(['nav.home']);
      sg['nav.home'] = ' ';
      expect(untranslatedKeys('sg')).toEqual(['nav.home']);
      delete sg['nav.home'];
      expect(untranslatedKeys('sg')).toEqual(['nav.home']);
    } finally {
      sg['nav.home'] = saved ?? '';
    }
  });

  it('uses the same placeholders in every language', () => {
    for (const key of MESSAGE_KEYS) {
      const expected = placeholdersOf(CATALOGUES.fr[key]);
      for (const lang of LANGUAGES)
        expect(placeholdersOf(CATALOGUES[lang][key]), `${lang} ${key}`).toEqual(expected);
    }
  });

  it('marks every Sango message not yet reviewed by a native speaker', () => {
    const awaiting = sangoAwaitingReview();
    expect(awaiting.length + SANGO_REVIEWED.size).toBe(MESSAGE_KEYS.length);
    expect(awaiting).toContain('booking.confirm');
  });

  it('refuses an unknown key or a missing placeholder value instead of showing it', () => {
    const t = translator('en');
    expect(t('booking.places', { count: 3 })).toBe('(3 places)');
    expect(() => t('no.such.key' as never)).toThrow(TypeError);
    expect(() => t('booking.places', {})).toThrow(/count/);
  });

  it('has no visible text written in a template: every word comes from the catalogues', () => {
    for (const file of readdirSync(VIEWS)) {
      const source = readFileSync(join(VIEWS, file), 'utf8').replace(/<%[\s\S]*?%>/g, '');
      const text = source.replace(/<[^>]*>/g, ' ').replace(/&[a-z]+;/g, ' ');
      expect(text.match(/\p{L}{2,}/gu), `${file} text`).toBeNull();
      // Values of hidden fields and buttons are never shown; these attributes are read out or displayed.
      const attributes = [...source.matchAll(/\b(?:aria-label|title|alt|placeholder)="([^"]*)"/g)];
      expect(
        attributes.filter((match) => /\p{L}{2,}/u.test(match[1] ?? '')).map((m) => m[0]),
        file,
      ).toEqual([]);
    }
  });
});

describe('portal language negotiation', () => {
  it('reads Accept-Language by weight, ignoring regions and q=0', () => {
    expect(fromAcceptLanguage('de-DE, en-GB;q=0.8, fr;q=0.5')).toBe('en');
    expect(fromAcceptLanguage('fr;q=0, sg;q=0.4')).toBe('sg');
    expect(fromAcceptLanguage('de, it')).toBeUndefined();
    expect(negotiateLanguage({ query: 'xx', cookie: 'en', acceptLanguage: 'sg' })).toEqual({
      lang: 'en',
      source: 'cookie',
    });
    expect(negotiateLanguage({})).toEqual({ lang: 'fr', source: 'default' });
  });

  it('remembers the language chosen by a link in a cookie, over the browser’s', async () => {
    const node = await open();
    const visitor = new PortalVisitor(node, { 'accept-language': 'en-US,en;q=0.9' });
    const guessed = await visitor.get('/services');
    expect(guessed.body).toMatch(/<html lang="en">/);
    expect(guessed.headers['content-language']).toBe('en');
    const chosen = await visitor.get('/services?lang=sg');
    expect(chosen.body).toMatch(/<html lang="sg">/);
    const cookie = chosen.cookies.find((c) => c.name === 'econsulat_lang');
    expect(cookie).toMatchObject({ value: 'sg', path: '/', httpOnly: true, sameSite: 'Lax' });
    const later = await visitor.get('/mission');
    expect(later.body).toMatch(/<html lang="sg">/);
    expect(later.body).toContain('Ndo na ngbonga ti zî yângâ');
  });

  it('speaks French to a browser that asks for none of the portal’s languages', async () => {
    const node = await open();
    const page = await new PortalVisitor(node, { 'accept-language': 'de-DE' }).get('/');
    expect(page.body).toMatch(/<html lang="fr">/);
    expect(page.body).toContain('Prendre rendez-vous');
  });

  it('offers plain language links that keep the page and its query', async () => {
    const node = await open();
    const page = await new PortalVisitor(node).get('/rendez-vous/creneaux?service=passport-renewal');
    expect(page.body).toContain('href="/rendez-vous/creneaux?service=passport-renewal&amp;lang=sg"');
    expect(page.body).toContain('hreflang="en"');
  });

  it('ignores an unknown language in a link rather than refusing the page', async () => {
    const node = await open();
    const page = await new PortalVisitor(node).get('/services?lang=xx');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<html lang="fr">/);
    expect(page.cookies.find((c) => c.name === 'econsulat_lang')).toBeUndefined();
  });
});
