import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { rollCallPages } from '../hub/http/web/roll-call-pages.js';
import { createRollCallsService } from '../hub/services/roll-calls/roll-calls-service.js';
import { totpCodeAt } from '../hub/services/users/index.js';
import { type MissionEvent, RollCallEvents } from '../protocol/index.js';
import { blockingViolations } from './_util/axe.js';
import { describeWithChromium, type LaunchedChromium, launchChromium } from './_util/browser.js';
import { ingestEvents } from './_util/dashboard-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { enrolledHub } from './_util/hub-fixtures.js';
import { type HubWebApp, openHubWeb } from './_util/hub-web.js';

describeWithChromium('the list of the people who need help at HQ, in Chromium', () => {
  let store: TestStore | undefined;
  let web: HubWebApp | undefined;
  let browser: LaunchedChromium | undefined;
  afterEach(async () => {
    await browser?.close();
    await web?.close();
    await store?.dispose();
    browser = web = store = undefined;
  });

  it('shows a mission’s list on the roll-call’s page, escaped, and the page passes axe', {
    timeout: 120_000,
  }, async () => {
    const [pglite] = storeBackends('hub need-help page');
    store = await migratedStore(pglite as NonNullable<typeof pglite>);
    const { hub, trust } = await enrolledHub(store.db, 'fr-paris');
    const now = () => new Date();
    const rollCalls = createRollCallsService({ db: store.db, hub, trust, publish: () => undefined, now });
    web = await openHubWeb(store.db, now, [rollCallPages(rollCalls)]);
    const { directive } = await rollCalls.start(
      {
        title: 'Crue de la Seine',
        message: { fr: 'Êtes-vous en sécurité ?', sg: 'Âla yeke na nzönî ndo?', en: 'Are you safe?' },
        zone: { all: true },
        endsAt: new Date(Date.now() + 86_400_000).toISOString(),
        needHelpList: true,
        target: ['fr-paris'],
      },
      'Direction des affaires consulaires',
    );
    const list: MissionEvent = {
      id: randomUUID(),
      kind: RollCallEvents.NeedHelp,
      entity: 'roll_call',
      entityId: 'rc-1',
      at: now().toISOString(),
      data: {
        directiveId: directive.directiveId,
        sharing: 'approved',
        listedAt: now().toISOString(),
        people: [
          {
            name: 'Awa <b>Kossi</b>',
            phone: '+33611111111',
            city: 'Paris',
            answeredAt: now().toISOString(),
            outcome: 'evacuated',
            outcomeAt: now().toISOString(),
          },
        ],
      },
    };
    await ingestEvents(store.db, 'fr-paris', [list]);
    const user = await web.user('cellule-crise', ['minister_office']);
    const base = await web.app.listen({ host: '127.0.0.1', port: 0 });

    browser = await launchChromium();
    const page = await browser.context.newPage();
    await page.goto(`${base}/web/connexion`);
    await page.fill('#username', 'cellule-crise');
    await page.fill('#password', user.password);
    await page.fill('#totp', totpCodeAt(user.totpSecret, new Date()));
    await Promise.all([
      page.waitForURL((url) => !url.pathname.endsWith('/connexion')),
      page.click('button[type=submit]'),
    ]);
    await page.goto(`${base}/web/appels/${directive.directiveId}`);
    const main = (await page.textContent('main')) ?? '';
    expect(main).toContain('Personnes ayant besoin d’aide');
    expect(main).toContain('Awa <b>Kossi</b>');
    expect(main).toContain('évacué');
    expect(await blockingViolations(page)).toEqual([]);
  });
});
