import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registryPages } from '../hub/http/web/registry-pages.js';
import { seedPerson } from '../hub/services/registry/builtin-registry.js';
import { ready } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { csrfOf, type HubWebApp, openHubWeb } from './_util/hub-web.js';
import { type RegistryHub, registryHub } from './_util/registry-fixtures.js';

const FORM = 'application/x-www-form-urlencoded';
const jean = { givenNames: 'Jean-Baptiste', familyName: 'Ndakala', sex: 'M' as const, birthPlace: 'Bangui' };

describe.each(storeBackends('registry web pages'))('registry web pages on $name', (backend) => {
  let store: TestStore;
  let ctx: RegistryHub;
  let web: HubWebApp;
  beforeAll(ready);
  beforeEach(async () => {
    store = await migratedStore(backend);
    ctx = await registryHub(store.db);
    web = await openHubWeb(store.db, () => new Date(), [registryPages(ctx.service)]);
  });
  afterEach(async () => {
    await web?.close();
    await store?.dispose();
  });

  /** Two homonyms in the registry and a submission the rules cannot settle between them. */
  async function homonymsInReview() {
    const first = await seedPerson(store.db, {
      ...jean,
      birthDate: '1985-03-02',
      nationalId: 'CF-1985-000101',
    });
    await seedPerson(store.db, { ...jean, birthDate: '1985-11-20', nationalId: 'CF-1985-000102' });
    const id = await ctx.submit('paris', {
      givenNames: 'Jean Baptiste',
      familyName: 'Ndakala',
      birthDate: '1985',
    });
    await ctx.service.reconcileAll();
    return { id, first: first?.id as string };
  }

  it('shows the queue and the candidates side by side, and takes an officer decision from the form', async () => {
    const { id, first } = await homonymsInReview();
    const cookie = await web.login(await web.user('ofc.bria', ['registry_officer']));
    const queue = await web.app.inject({ url: '/web/registre', headers: { cookie } });
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain(`/web/registre/${id}`);
    expect(queue.body).toContain('>Registre</a>');
    const page = await web.app.inject({ url: `/web/registre/${id}`, headers: { cookie } });
    expect(page.statusCode).toBe(200);
    for (const number of ['CF-1985-000101', 'CF-1985-000102', '1985-03-02', '1985-11-20']) {
      expect(page.body).toContain(number);
    }
    const post = (body: Record<string, string>) =>
      web.app.inject({
        method: 'POST',
        url: `/web/registre/${id}/decision`,
        headers: { cookie, 'content-type': FORM },
        payload: new URLSearchParams({ _csrf: csrfOf(page.body), ...body }).toString(),
      });
    const noNote = await post({ decision: 'reject', note: '' });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.body).toContain('une note est demandée');
    const decided = await post({ decision: 'match', registryId: first });
    expect(decided.statusCode).toBe(303);
    expect(decided.headers.location).toBe('/web/registre?fait=match');
    expect(ctx.resultsFor('paris').at(-1)).toMatchObject({ decision: 'match', nationalId: 'CF-1985-000101' });
    const [audit] = await store.db.query('SELECT actor, action FROM hub_audit_log');
    expect(audit).toEqual({ actor: 'officer:ofc.bria', action: 'registry.match' });
    const again = await post({ decision: 'new' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('déjà été tranché');
  });

  it('lets an auditor read without deciding, and keeps the pages from other roles', async () => {
    const { id } = await homonymsInReview();
    const auditor = await web.login(await web.user('audit.kembe', ['auditor']));
    const page = await web.app.inject({ url: `/web/registre/${id}`, headers: { cookie: auditor } });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('name="decision"');
    const forced = await web.app.inject({
      method: 'POST',
      url: `/web/registre/${id}/decision`,
      headers: { cookie: auditor, 'content-type': FORM },
      payload: new URLSearchParams({ _csrf: csrfOf(page.body), decision: 'new' }).toString(),
    });
    expect(forced.statusCode).toBe(403);
    const cabinet = await web.login(await web.user('cab.ministre', ['minister_office']));
    expect((await web.app.inject({ url: '/web/registre', headers: { cookie: cabinet } })).statusCode).toBe(
      403,
    );
    expect((await web.app.inject({ url: '/web/registre' })).statusCode).toBe(303);
    expect(await store.db.query('SELECT status FROM registry_submissions')).toEqual([{ status: 'review' }]);
  });
});
