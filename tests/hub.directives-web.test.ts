import { parse } from 'csv-parse/sync';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../hub/db/database.js';
import { handleDirectiveAck } from '../hub/ingest/handlers/directive-ack.js';
import { handleDirectiveReceipt } from '../hub/ingest/handlers/directive-receipt.js';
import { recordEnrolment } from '../hub/services/missions/enrol.js';
import { loadTrustStore } from '../hub/services/missions/trust-loader.js';
import type { BootstrapResult } from '../hub/services/users/index.js';
import { DIRECTIVE, Identity, open, ready, TrustStore } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { certify, enrolledHub } from './_util/hub-fixtures.js';
import { cookiesOf, csrfOf, type HubWebApp, openHubWeb } from './_util/hub-web.js';

const FORM = 'application/x-www-form-urlencoded';
const ISSUED_AT = new Date('2026-03-10T08:00:00.000Z');
const HOUR = 3_600_000;

interface Published {
  readonly missionId: string;
  readonly envelope: Uint8Array;
}

/** A hub with fr-paris and cm-yaounde enrolled, and the web with the directive form publishing into a list. */
async function directiveHub(db: Database, now: () => Date) {
  const { hub, mission: paris } = await enrolledHub(db, 'fr-paris');
  const yaounde = Identity.generate('cm-yaounde');
  await recordEnrolment(db, hub.toPublic(), await certify(hub, yaounde));
  const { trust } = await loadTrustStore(db, hub.toPublic());
  const published: Published[] = [];
  const web = await openHubWeb(db, now, [], {
    hub,
    trust,
    publish: (missionId, envelope) => published.push({ missionId, envelope }),
  });
  const missionTrust = new TrustStore();
  missionTrust.trust({ identity: hub.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
  /** Opens a published envelope as its mission would. */
  const openAs = (mission: Identity, envelope: Uint8Array) => {
    const opened = open(envelope, { self: mission, trust: missionTrust, now: now().getTime() });
    if (!opened.ok || opened.value.type !== DIRECTIVE) throw new Error('not a directive');
    return opened.value.body;
  };
  return { web, published, missions: { paris, yaounde }, openAs };
}

describe.each(storeBackends('directive web pages'))('directive web pages on $name', (backend) => {
  let store: TestStore;
  let clock: Date;
  let ctx: Awaited<ReturnType<typeof directiveHub>>;
  let web: HubWebApp;
  let cookie: string;
  let director: BootstrapResult;
  beforeAll(ready);
  beforeEach(async () => {
    clock = ISSUED_AT;
    store = await migratedStore(backend);
    ctx = await directiveHub(store.db, () => clock);
    web = ctx.web;
    director = await web.user('directrice', ['directorate']);
    cookie = await web.login(director);
  });
  afterEach(async () => {
    await web?.close();
    await store?.dispose();
  });

  const directiveCount = async () =>
    Number((await store.db.query<{ n: number }>('SELECT count(*) AS n FROM directives'))[0]?.n);
  const heldFor = async (missionId: string) =>
    Number(
      (
        await store.db.query<{ n: number }>(
          `SELECT count(*) AS n FROM outbound WHERE mission_id = $1 AND type = 'directive' AND acked_at IS NULL`,
          [missionId],
        )
      )[0]?.n,
    );

  /** Posts the form with the token of the form page, as a browser would. */
  async function post(fields: Record<string, string | string[]>, session = cookie) {
    const page = await web.app.inject({ url: '/web/directives/nouvelle', headers: { cookie: session } });
    expect(page.statusCode).toBe(200);
    const body = new URLSearchParams({ _csrf: csrfOf(page.body) });
    for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(key, v);
    return web.app.inject({
      method: 'POST',
      url: '/web/directives/nouvelle',
      headers: { cookie: session, 'content-type': FORM },
      payload: body.toString(),
    });
  }

  const closing = { title: 'Fermeture exceptionnelle', body: 'Les chancelleries ferment le 14 avril.' };

  it('refuses the form without its CSRF token and issues nothing', async () => {
    for (const _csrf of ['', 'forged-token']) {
      const refused = await web.app.inject({
        method: 'POST',
        url: '/web/directives/nouvelle',
        headers: { cookie, 'content-type': FORM },
        payload: new URLSearchParams({ _csrf, ...closing, priority: 'normal', target: 'all' }).toString(),
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain('Le formulaire a expiré');
    }
    expect(await directiveCount()).toBe(0);
    expect(ctx.published).toEqual([]);
  });

  it('shows the form again with the error by the title and what was typed, escaped, and issues nothing', async () => {
    const typed = 'Voir <script>alert("x")</script> & agir';
    const refused = await post({
      title: '  ',
      body: typed,
      priority: 'urgent',
      target: 'some',
      missions: 'cm-yaounde',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('id="erreur-title">Le titre est obligatoire.</p>');
    expect(refused.body).toMatch(/<input id="title" name="title"[^>]*aria-invalid="true"/);
    expect(refused.body).toContain(
      'Voir &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; agir</textarea>',
    );
    expect(refused.body).not.toContain('<script>alert');
    expect(refused.body).toMatch(/<option value="urgent" selected>/);
    expect(refused.body).toMatch(/value="cm-yaounde" checked/);
    expect(refused.body).not.toMatch(/value="fr-paris" checked/);
    const noMission = await post({ ...closing, priority: 'normal', target: 'some' });
    expect(noMission.statusCode).toBe(400);
    expect(noMission.body).toContain('Cochez au moins une mission');
    const reversed = await post({
      ...closing,
      priority: 'normal',
      target: 'all',
      effectiveAt: '2026-04-01T10:00',
      expiresAt: '2026-03-31T10:00',
    });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.body).toContain('L’expiration doit suivre l’entrée en vigueur.');
    const unknown = await post({ ...closing, priority: 'normal', target: 'some', missions: 'us-nowhere' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('n’est plus inscrite');
    const extra = await post({ ...closing, priority: 'normal', target: 'all', sql: '1' });
    expect(extra.statusCode).toBe(400);
    expect(await directiveCount()).toBe(0);
    expect(ctx.published).toEqual([]);
  });

  it('refuses the form and its post to a role that may not write directives', async () => {
    const officer = await web.login(await web.user('ofc.bria', ['registry_officer']));
    const page = await web.app.inject({ url: '/web/directives/nouvelle', headers: { cookie: officer } });
    expect(page.statusCode).toBe(403);
    const list = await web.app.inject({ url: '/web/directives', headers: { cookie: officer } });
    expect(list.statusCode).toBe(200);
    const refused = await web.app.inject({
      method: 'POST',
      url: '/web/directives/nouvelle',
      headers: { cookie: officer, 'content-type': FORM },
      payload: new URLSearchParams({
        _csrf: csrfOf(list.body),
        ...closing,
        priority: 'normal',
        target: 'all',
      }).toString(),
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Votre rôle ne donne pas accès à cette page.');
    expect(list.body).not.toContain('/web/directives/nouvelle');
    expect(await directiveCount()).toBe(0);
    const anonymous = await web.app.inject({ url: '/web/directives/nouvelle' });
    expect(anonymous.headers.location).toBe('/web/connexion');
  });

  it('issues to the chosen missions: sealed and held for each, published after commit, then its page', async () => {
    const issued = await post({
      ...closing,
      titleEn: 'Exceptional closure',
      priority: 'high',
      target: 'some',
      missions: ['cm-yaounde'],
      requiresAck: 'yes',
    });
    expect(issued.statusCode).toBe(303);
    const location = String(issued.headers.location);
    const id = /^\/web\/directives\/([0-9a-f-]{36})\?ok=directive_issued$/.exec(location)?.[1];
    expect(id).toBeDefined();
    expect(await heldFor('cm-yaounde')).toBe(1);
    expect(await heldFor('fr-paris')).toBe(0);
    expect(ctx.published.map((p) => p.missionId)).toEqual(['cm-yaounde']);
    const body = ctx.openAs(ctx.missions.yaounde, ctx.published[0]?.envelope as Uint8Array);
    expect(body).toMatchObject({
      directiveId: id,
      title: { fr: closing.title, en: 'Exceptional closure' },
      priority: 'high',
      target: ['cm-yaounde'],
      requiresAck: true,
      issuedBy: 'directrice',
    });

    const page = await web.app.inject({ url: location, headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Directive signée et envoyée aux missions destinataires.');
    expect(page.body).toContain(`<h1>${closing.title}</h1>`);
    expect(page.body).toContain('Exceptional closure');
    expect(page.body).toMatch(
      /<tr id="mission-cm-yaounde" class="state-sent"><th scope="row">cm-yaounde<\/th>/,
    );
    expect(page.body).not.toContain('mission-fr-paris');

    const toAll = await post({ ...closing, priority: 'normal', target: 'all' });
    expect(toAll.statusCode).toBe(303);
    expect(await heldFor('fr-paris')).toBe(1);
    expect(await heldFor('cm-yaounde')).toBe(2);
    expect(ctx.published.map((p) => p.missionId).slice(1)).toEqual(['cm-yaounde', 'fr-paris']);
    expect(ctx.openAs(ctx.missions.paris, ctx.published[2]?.envelope as Uint8Array)).toMatchObject({
      target: 'all',
      requiresAck: false,
    });
  });

  it('shows receipts, acknowledgements and the overdue mission, and exports them and the list as CSV', async () => {
    const issued = await post({ ...closing, priority: 'urgent', target: 'all', requiresAck: 'yes' });
    const id = /directives\/([0-9a-f-]{36})/.exec(String(issued.headers.location))?.[1] as string;
    await store.db.transaction(async (tx) => {
      const at = new Date(ISSUED_AT.getTime() + HOUR);
      await handleDirectiveReceipt(
        tx,
        { directiveId: id, receivedAt: at.toISOString() },
        { missionId: 'fr-paris', now: at },
      );
      await handleDirectiveAck(
        tx,
        {
          directiveId: id,
          acknowledgedAt: new Date(ISSUED_AT.getTime() + 2 * HOUR).toISOString(),
          acknowledgedBy: 'consul.paris',
          comment: 'Affiché, « merci »',
        },
        { missionId: 'fr-paris', now: at },
      );
    });
    // A day and an hour later (a new session: the first one has ended).
    clock = new Date(ISSUED_AT.getTime() + 25 * HOUR);
    cookie = await web.login(director);
    const page = await web.app.inject({ url: `/web/directives/${id}`, headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('2 mission(s) · 1 reçue(s) · 1 accusée(s) · 1 en retard');
    expect(page.body).toMatch(/id="mission-fr-paris" class="state-acknowledged">.*consul\.paris/);
    expect(page.body).toMatch(/id="mission-cm-yaounde" class="state-overdue">/);
    expect(page.body).toContain('data-live-region');

    const csv = await web.app.inject({ url: `/web/export/directives/${id}.csv`, headers: { cookie } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="directive_${id}.csv"`);
    expect(parse(csv.body, { bom: true })).toEqual([
      ['Mission', 'Nom', 'État', 'Envoyée le', 'Reçue le', 'Accusée le', 'Accusée par', 'Commentaire'],
      ['cm-yaounde', 'Ambassade cm-yaounde', 'en retard', '2026-03-10T08:00:00.000Z', '', '', '', ''],
      [
        'fr-paris',
        'Ambassade fr-paris',
        'accusée',
        '2026-03-10T08:00:00.000Z',
        '2026-03-10T09:00:00.000Z',
        '2026-03-10T10:00:00.000Z',
        'consul.paris',
        'Affiché, « merci »',
      ],
    ]);

    const list = await web.app.inject({ url: '/web/export/directives.csv', headers: { cookie } });
    expect(list.headers['content-disposition']).toBe('attachment; filename="directives_2026-03-11.csv"');
    expect(parse(list.body, { bom: true })).toEqual([
      ['Identifiant', 'Titre', 'Priorité', 'Émise le', 'Par', 'Missions', 'Reçues', 'Accusées', 'En retard'],
      [id, closing.title, 'urgente', '2026-03-10T08:00:00.000Z', 'directrice', '2', '1', '1', '1'],
    ]);
    const listPage = await web.app.inject({ url: '/web/directives', headers: { cookie } });
    expect(listPage.body).toContain(`<a href="/web/directives/${id}">${closing.title}</a>`);
    expect(listPage.body).toContain('href="/web/directives/nouvelle"');
  });

  it('answers 404 for a directive it does not hold and 400 for a malformed id', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(
      (await web.app.inject({ url: `/web/directives/${unknown}`, headers: { cookie } })).statusCode,
    ).toBe(404);
    expect(
      (await web.app.inject({ url: `/web/export/directives/${unknown}.csv`, headers: { cookie } }))
        .statusCode,
    ).toBe(404);
    expect(
      (await web.app.inject({ url: '/web/directives/1%27%20or%201', headers: { cookie } })).statusCode,
    ).toBe(400);
    const anonymous = await web.app.inject({ url: '/web/export/directives.csv' });
    expect(anonymous.statusCode).toBe(303);
    expect(cookiesOf(anonymous.headers['set-cookie'])).not.toContain('econsulat_hub_session');
  });
});
