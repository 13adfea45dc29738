import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rollCallPages } from '../hub/http/web/roll-call-pages.js';
import {
  createRollCallsService,
  type RollCallsService,
} from '../hub/services/roll-calls/roll-calls-service.js';
import type { Store } from '../node/db/store.js';
import { purgeExpiredData } from '../node/jobs/retention.js';
import { channelRow } from '../node/link/link-store.js';
import { liveBacklog } from '../node/link/offsite-attachment.js';
import { createRegistrationService } from '../node/services/registrations/registration-service.js';
import { createRollCallService, type RollCallService } from '../node/services/roll-calls/index.js';
import { payOwedCounts } from '../node/services/roll-calls/roll-call-events.js';
import { decodeHeader, open, ready, upTopic, utf8 } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type HubWebApp, openHubWeb } from './_util/hub-web.js';
import { type SyncPair, startSyncPair } from './_util/sync-pair.js';

/** Registered nationals of Paris: every personal field is a string the byte scan looks for. */
const NATIONALS = [
  { given: 'Zéphirine', family: 'Yakité', phone: '+33611110001', street: '17 rue Mouffetard' },
  { given: 'Anicet', family: 'Gbazoumou', phone: '+33611110002', street: '4 impasse Crussol' },
  { given: 'Marcelline', family: 'Doko-Ndeke', phone: '+33611110003', street: '9 villa Gaudelet' },
];
const PERSONAL = NATIONALS.flatMap((n) => [n.given, n.family, n.phone, n.street, n.phone.slice(3)]);
/** Not personal, and sent up in every counts event: the scan must find it, or it sees nothing. */
const PLANTED = 'BALISE-7f3a9c';

function registerNationals(store: Store): void {
  const registrations = createRegistrationService({ store, defaultRegion: 'FR' });
  for (const national of NATIONALS) {
    const registration = registrations.submit(
      {
        person: {
          givenNames: national.given,
          familyName: national.family,
          birthDate: '1988-01-01',
          phone: national.phone,
          address: `${national.street}, 75005 Paris`,
        },
        channel: 'counter',
        census: { languages: [] },
        consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
      },
      'agent:amina',
    );
    registrations.verify(registration.id, 'agent:amina');
    registrations.activate(registration.id, 'consul:kossi');
  }
}

/**
 * Everything the node publishes on its `up` topic from now on, as the broker sees it, and its
 * plaintext opened with the hub's key (the payload is encrypted: a scan of the bytes alone would
 * find nothing whatever they held). Copies of envelopes numbered before the scan began are left
 * out: the link sends its kept envelopes again when the hub's hello or its resend timer asks, and
 * such a copy may reach the broker after the acknowledgement the test waited for (seen in CI: the
 * registry submissions, which carry names, found before the consul's word).
 */
function capture(sync: SyncPair) {
  const payloads: Buffer[] = [];
  const topic = upTopic('fr-paris');
  const sentBefore = channelRow(sync.node.store.db).next_send_seq - 1;
  const numberedBefore = (payload: Buffer) => {
    const header = decodeHeader(payload);
    return header.ok && header.header.seq !== 0 && header.header.seq <= sentBefore;
  };
  const listener = (packet: { topic: string; payload: Buffer | string }) => {
    if (packet.topic !== topic) return;
    const payload = Buffer.from(packet.payload);
    if (!numberedBefore(payload)) payloads.push(payload);
  };
  sync.broker.aedes.on('publish', listener);
  const opened = () =>
    payloads.map((payload) => {
      const result = open(payload, { self: sync.hub, trust: sync.trust, now: Date.now() });
      if (!result.ok) throw new Error(`an envelope the hub cannot open: ${result.reason}`);
      return Buffer.from(utf8(JSON.stringify(result.value.body)));
    });
  return {
    count: () => payloads.length,
    /** The strings among `needles` found in the raw or opened bytes published. */
    found(needles: readonly string[]): string[] {
      const haystacks = [...payloads, ...opened()];
      return needles.filter((needle) => haystacks.some((bytes) => bytes.includes(Buffer.from(needle))));
    },
    stop: () => sync.broker.aedes.removeListener('publish', listener),
  };
}

for (const backend of storeBackends('roll-call need-help list')) {
  describe(`the list of the people who need help, ordered by HQ (${backend.name})`, () => {
    let hubStore: TestStore | undefined;
    let pair: SyncPair | undefined;
    let web: HubWebApp | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await web?.close();
      await pair?.close();
      await hubStore?.dispose();
      web = pair = hubStore = undefined;
    });

    /** A hub and the Paris mission, linked, its registrations already at HQ; then a roll-call ordered. */
    async function ordered(needHelpList: boolean) {
      hubStore = await migratedStore(backend);
      const sync = await startSyncPair(hubStore);
      pair = sync;
      const { store } = sync.node;
      registerNationals(store);
      const hq: RollCallsService = createRollCallsService({
        db: hubStore.db,
        hub: sync.hub,
        trust: sync.trust,
        publish: (missionId, envelope) => sync.hubLink.publishDown(missionId, envelope),
        now: () => new Date(),
      });
      const node: RollCallService = createRollCallService({ store });
      sync.nodeLink.start();
      // What the registrations sent before the roll-call is not the roll-call's: the scan starts
      // after all of it is acknowledged, their registry submissions (which carry names) included.
      await expect.poll(() => liveBacklog(store), { timeout: 15_000 }).toBe(0);
      const published = capture(sync);
      const { directive } = await hq.start(
        {
          title: `Crue ${PLANTED}`,
          message: { fr: 'Êtes-vous en sécurité ?', sg: 'Âla yeke na nzönî ndo?', en: 'Are you safe?' },
          zone: { cities: ['Paris'] },
          endsAt: new Date(Date.now() + 86_400_000).toISOString(),
          needHelpList,
          target: ['fr-paris'],
        },
        'Direction des affaires consulaires',
      );
      const directiveId = directive.directiveId;
      const rollCallId = await expect
        .poll(
          () => store.db.prepare('SELECT id FROM roll_calls WHERE directive_id = ?').pluck().get(directiveId),
          { timeout: 15_000 },
        )
        .toBeTruthy()
        .then(
          () =>
            store.db
              .prepare('SELECT id FROM roll_calls WHERE directive_id = ?')
              .pluck()
              .get(directiveId) as string,
        );
      const answer = (index: number, text: string) => {
        const phone = NATIONALS[index]?.phone as string;
        return node.receiveSms({ from: phone, rawFrom: phone, text, gatewayId: crypto.randomUUID() });
      };
      /** Answers 2, 1, 2: two people need help; their counts at HQ once synced. */
      const answerAll = async () => {
        answer(0, '2');
        answer(1, '1');
        answer(2, '2');
        payOwedCounts(store);
        await expect
          .poll(async () => (await hq.detail(directiveId))?.totals.needHelp, { timeout: 15_000 })
          .toBe(2);
        await expect.poll(() => liveBacklog(store), { timeout: 15_000 }).toBe(0);
      };
      return { sync, store, hq, node, published, directiveId, rollCallId, answer, answerAll };
    }

    const heldLists = async (db: TestStore) =>
      db.db.query<{ sharing: string; people: unknown }>('SELECT sharing, people FROM roll_call_need_help');

    it('sends the list to HQ once the consul approves, follows it, and drops it when withdrawn or purged', async () => {
      const { sync, store, hq, node, published, directiveId, rollCallId, answer, answerAll } =
        await ordered(true);
      await answerAll();
      // Before the consul's word: the counts went up (the scan sees them), no one did.
      expect(published.found([PLANTED])).toEqual([PLANTED]);
      expect(published.found(PERSONAL)).toEqual([]);
      expect(await hq.needHelpLists(directiveId)).toEqual([]);

      expect(node.decideNeedHelpList(rollCallId, 'approve', 'consul:kossi')).toBe(true);
      await expect
        .poll(async () => (await hq.needHelpLists(directiveId))[0]?.people.map((p) => p.name), {
          timeout: 15_000,
        })
        .toEqual(['Zéphirine Yakité', 'Marcelline Doko-Ndeke']);
      const [list] = await hq.needHelpLists(directiveId);
      expect(list?.people[0]).toMatchObject({ phone: '+33611110001', city: 'Paris', outcome: null });
      // Only those who need help, and of them no street: the scan finds exactly that.
      expect(published.found(PERSONAL)).toEqual([
        'Zéphirine',
        'Yakité',
        '+33611110001',
        '611110001',
        'Marcelline',
        'Doko-Ndeke',
        '+33611110003',
        '611110003',
      ]);
      // The hub's replica of the event keeps no one: the list lives in one table, which the purge empties.
      const replicas = await hubStore?.db.query<{ data: { people: unknown[] } }>(
        `SELECT data FROM mission_events WHERE kind = 'roll_call.need_help'`,
      );
      expect(replicas?.length).toBeGreaterThan(0);
      for (const replica of replicas ?? []) expect(replica.data.people).toEqual([]);

      // The ministry's page shows it to a user who may read roll-calls.
      web = await openHubWeb(hubStore?.db as TestStore['db'], () => new Date(), [rollCallPages(hq)], {
        hub: sync.hub,
        trust: sync.trust,
        publish: () => undefined,
      });
      const reader = await web.user('cellule-crise', ['minister_office']);
      const page = await web.app.inject({
        url: `/web/appels/${directiveId}`,
        headers: { cookie: await web.login(reader) },
      });
      expect(page.statusCode).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.body).toContain('Zéphirine Yakité');
      expect(page.body).toContain('+33611110003');
      expect(page.body).not.toContain('Anicet');
      expect((await web.app.inject({ url: `/web/appels/${directiveId}` })).statusCode).toBe(303);
      // An auditor reads the roll-call's counts, never the people.
      const auditor = await web.user('auditrice', ['auditor']);
      const audited = await web.app.inject({
        url: `/web/appels/${directiveId}`,
        headers: { cookie: await web.login(auditor) },
      });
      expect(audited.statusCode).toBe(200);
      expect(audited.body).toContain('réservée au cabinet du ministre et à la direction consulaire');
      expect(audited.body).not.toContain('Zéphirine');
      expect(audited.body).not.toContain('+33611110003');

      // An agent's outcome, and a new answer, follow while the approval holds.
      const personId = store.db
        .prepare(
          `SELECT t.person_id FROM roll_call_targets t WHERE t.roll_call_id = ? AND t.status = 'need_help'
           ORDER BY t.answered_at LIMIT 1`,
        )
        .pluck()
        .get(rollCallId) as string;
      node.recordOutcome(rollCallId, personId, { outcome: 'evacuated' }, 'agent:amina');
      answer(1, '2');
      payOwedCounts(store);
      await expect
        .poll(async () => (await hq.needHelpLists(directiveId))[0]?.people.length, { timeout: 15_000 })
        .toBe(3);
      expect((await hq.needHelpLists(directiveId))[0]?.people.map((p) => p.outcome)).toContain('evacuated');

      // Withdrawn by the consul: HQ holds no one any more.
      node.decideNeedHelpList(rollCallId, 'refuse', 'consul:kossi');
      await expect.poll(() => hq.needHelpLists(directiveId), { timeout: 15_000 }).toEqual([]);
      expect(await heldLists(hubStore as TestStore)).toEqual([{ sharing: 'withdrawn', people: [] }]);

      // Approved again, closed, then purged with the answers by the retention: gone for good.
      node.decideNeedHelpList(rollCallId, 'approve', 'consul:kossi');
      await expect
        .poll(async () => (await hq.needHelpLists(directiveId))[0]?.people.length, { timeout: 15_000 })
        .toBe(3);
      node.close(rollCallId, 'consul:kossi');
      purgeExpiredData(store, { rollCallAnswersDays: 1 }, new Date(Date.now() + 3 * 86_400_000));
      await expect
        .poll(() => heldLists(hubStore as TestStore), { timeout: 15_000 })
        .toEqual([{ sharing: 'purged', people: [] }]);
      published.stop();
    });

    it('sends no one when the consul refuses', async () => {
      const { hq, node, published, directiveId, rollCallId, answerAll } = await ordered(true);
      expect(node.decideNeedHelpList(rollCallId, 'refuse', 'consul:kossi')).toBe(true);
      await answerAll();
      expect(published.found([PLANTED])).toEqual([PLANTED]);
      expect(published.found(PERSONAL)).toEqual([]);
      expect(await hq.needHelpLists(directiveId)).toEqual([]);
      expect(await heldLists(hubStore as TestStore)).toEqual([]);
      published.stop();
    });

    it('sends no one when the directive did not ask for the list, and the consul cannot send it', async () => {
      const { hq, node, published, directiveId, rollCallId, answerAll } = await ordered(false);
      await answerAll();
      expect(() => node.decideNeedHelpList(rollCallId, 'approve', 'consul:kossi')).toThrow(
        expect.objectContaining({ code: 'roll_call_need_help_not_requested' }),
      );
      expect(published.count()).toBeGreaterThan(0);
      expect(published.found([PLANTED])).toEqual([PLANTED]);
      expect(published.found(PERSONAL)).toEqual([]);
      expect(await hq.needHelpLists(directiveId)).toEqual([]);
      published.stop();
    });
  });
}
