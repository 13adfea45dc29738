import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../hub/db/database.js';
import { DIRECTIVE_AS_BODY, directiveOfRow } from '../hub/services/directives/remind-directives.js';
import { recordEnrolment } from '../hub/services/missions/enrol.js';
import { loadTrustStore } from '../hub/services/missions/trust-loader.js';
import {
  createRollCallsService,
  type RollCallsService,
} from '../hub/services/roll-calls/roll-calls-service.js';
import {
  DIRECTIVE,
  Identity,
  type MissionEvent,
  open,
  type RollCallCountsData,
  RollCallEvents,
} from '../protocol/index.js';
import { trustStoreOf } from '../protocol/test-fixtures.js';
import { ingestEvents } from './_util/dashboard-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { certify, enrolledHub } from './_util/hub-fixtures.js';

const NOW = new Date();
const LATER = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

const ORDER = {
  title: 'Inondations à Douala',
  message: {
    fr: 'Êtes-vous en sécurité ?',
    sg: 'Âla yeke na nzönî ndo?',
    en: 'Are you safe?',
  },
  zone: { cities: ['Douala'] },
  endsAt: LATER(24 * 60),
  needHelpList: false,
  target: ['cm-yaounde', 'fr-paris'],
};

/** A mission's counts event for its roll-call `rollCallId`, counted at `countedAt`. */
function countsEvent(
  rollCallId: string,
  directiveId: string | null,
  countedAt: string,
  counts: Partial<RollCallCountsData> = {},
): MissionEvent {
  const data: RollCallCountsData = {
    title: ORDER.title,
    directiveId,
    state: 'open',
    startedAt: LATER(0),
    endsAt: ORDER.endsAt,
    closedAt: null,
    countedAt,
    people: 10,
    reached: 0,
    safe: 0,
    needHelp: 0,
    notInZone: 0,
    noAnswer: 10,
    ...counts,
  };
  return {
    id: randomUUID(),
    kind: RollCallEvents.Counts,
    entity: 'roll_call',
    entityId: rollCallId,
    at: countedAt,
    data,
  };
}

describe.each(storeBackends('hub roll-calls'))('crisis roll-calls at the hub on $name', (backend) => {
  let store: TestStore;
  let db: Database;
  let hub: Identity;
  let yaounde: Identity;
  let rollCalls: RollCallsService;
  let published: { missionId: string; envelope: Uint8Array }[];

  beforeEach(async () => {
    store = await migratedStore(backend);
    db = store.db;
    const enrolled = await enrolledHub(db, 'fr-paris');
    hub = enrolled.hub;
    yaounde = Identity.generate('cm-yaounde');
    await recordEnrolment(db, hub.toPublic(), await certify(hub, yaounde));
    const { trust } = await loadTrustStore(db, hub.toPublic());
    published = [];
    rollCalls = createRollCallsService({
      db,
      hub,
      trust,
      publish: (missionId, envelope) => published.push({ missionId, envelope }),
      now: () => NOW,
    });
  });
  afterEach(async () => {
    await store?.dispose();
  });

  it('orders a roll-call as a directive carrying it, sealed to each mission and audited', async () => {
    const issued = await rollCalls.start(ORDER, 'Direction des affaires consulaires');
    expect(published.map((p) => p.missionId)).toEqual(['cm-yaounde', 'fr-paris']);
    const yaoundeEnvelope = published.find((p) => p.missionId === 'cm-yaounde')?.envelope;
    const opened = open(yaoundeEnvelope ?? new Uint8Array(), {
      self: yaounde,
      trust: trustStoreOf([hub.toPublic()]),
      now: Date.now(),
    });
    if (!opened.ok) throw new Error(`not opened: ${opened.reason}`);
    expect(opened.value.type).toBe(DIRECTIVE);
    expect(opened.value.body).toMatchObject({
      directiveId: issued.directive.directiveId,
      priority: 'urgent',
      requiresAck: false,
      rollCall: { title: ORDER.title, zone: ORDER.zone, needHelpList: false },
    });
    const [audit] = await db.query<{ actor: string; entity_id: string }>(
      `SELECT actor, entity_id FROM hub_audit_log WHERE action = 'roll_call.ordered'`,
    );
    expect(audit).toEqual({
      actor: 'Direction des affaires consulaires',
      entity_id: issued.directive.directiveId,
    });
  });

  it('sends the roll-call again with its directive: reminders and resyncs rebuild it from the row', async () => {
    const issued = await rollCalls.start(ORDER, 'dac');
    const [row] = await db.query<{ body: Record<string, unknown> }>(
      `SELECT ${DIRECTIVE_AS_BODY} AS body FROM directives d WHERE d.id = $1`,
      [issued.directive.directiveId],
    );
    expect(directiveOfRow(row?.body ?? {})).toEqual(issued.directive);
  });

  it('refuses a roll-call that has already ended, or for a mission not enrolled, recording nothing', async () => {
    await expect(rollCalls.start({ ...ORDER, endsAt: LATER(-1) }, 'dac')).rejects.toMatchObject({
      code: 'invalid_dates',
    });
    await expect(rollCalls.start({ ...ORDER, target: ['sn-dakar'] }, 'dac')).rejects.toMatchObject({
      code: 'unknown_mission',
    });
    expect((await rollCalls.list()).ordered).toEqual([]);
    expect(published).toEqual([]);
  });

  it('keeps the newest counts of each mission, applies an event delivered again once, and adds them up', async () => {
    const { directive } = await rollCalls.start(ORDER, 'dac');
    const id = directive.directiveId;
    const first = countsEvent('rc-paris', id, LATER(1), { reached: 2, safe: 2, noAnswer: 8 });
    const second = countsEvent('rc-paris', id, LATER(2), {
      reached: 5,
      safe: 3,
      needHelp: 1,
      notInZone: 1,
      noAnswer: 5,
    });
    await ingestEvents(db, 'fr-paris', [first]);
    await ingestEvents(db, 'fr-paris', [second]);
    // Delivered again, and an older count under a new id (a mission restored from a backup).
    await ingestEvents(db, 'fr-paris', [first]);
    await ingestEvents(db, 'fr-paris', [{ ...first, id: randomUUID() }]);
    await ingestEvents(db, 'cm-yaounde', [
      countsEvent('rc-yaounde', id, LATER(3), { people: 4, reached: 4, safe: 4, noAnswer: 0 }),
    ]);

    // A mission the directive was not sent to cannot add to its counts.
    await db.query(`INSERT INTO missions (id, name, certificate) VALUES ('sn-dakar', 'Dakar', '{}'::jsonb)`);
    await ingestEvents(db, 'sn-dakar', [
      countsEvent('rc-dakar', id, LATER(3), { people: 999, reached: 999 }),
    ]);

    const detail = await rollCalls.detail(id);
    expect(detail?.missions.map((m) => [m.missionId, m.rollCallId, m.counts])).toEqual([
      [
        'cm-yaounde',
        'rc-yaounde',
        { people: 4, reached: 4, safe: 4, needHelp: 0, notInZone: 0, noAnswer: 0 },
      ],
      ['fr-paris', 'rc-paris', { people: 10, reached: 5, safe: 3, needHelp: 1, notInZone: 1, noAnswer: 5 }],
    ]);
    expect(detail?.totals).toEqual({
      people: 14,
      reached: 9,
      safe: 7,
      needHelp: 1,
      notInZone: 1,
      noAnswer: 5,
    });
    const [listed] = (await rollCalls.list()).ordered;
    expect(listed).toMatchObject({ id, missionCount: 2, reporting: 2, totals: detail?.totals });
  });

  it('lets the later of two counts with the same time win, as the channel applies them in order', async () => {
    const { directive } = await rollCalls.start(ORDER, 'dac');
    const at = LATER(5);
    await ingestEvents(db, 'fr-paris', [
      countsEvent('rc-paris', directive.directiveId, at, { reached: 1, safe: 1, noAnswer: 9 }),
      countsEvent('rc-paris', directive.directiveId, at, { reached: 2, safe: 2, noAnswer: 8 }),
    ]);
    const detail = await rollCalls.detail(directive.directiveId);
    expect(detail?.missions.find((m) => m.missionId === 'fr-paris')?.counts?.reached).toBe(2);
  });

  it('lists the roll-calls missions started themselves apart, and shows a mission not yet reporting', async () => {
    const { directive } = await rollCalls.start(ORDER, 'dac');
    await ingestEvents(db, 'cm-yaounde', [
      countsEvent('rc-local', null, LATER(1), { state: 'closed', closedAt: LATER(1) }),
    ]);
    const { local } = await rollCalls.list();
    expect(local).toMatchObject([{ missionId: 'cm-yaounde', rollCallId: 'rc-local', state: 'closed' }]);
    const detail = await rollCalls.detail(directive.directiveId);
    expect(detail?.reporting).toBe(0);
    expect(detail?.missions.every((m) => m.counts === null && m.state === null)).toBe(true);
    expect(await rollCalls.detail(randomUUID())).toBeUndefined();
  });

  it('exports the counts per mission and in total as CSV, a formula in a title neutralised', async () => {
    const { directive } = await rollCalls.start({ ...ORDER, title: '=HYPERLINK("x")' }, 'dac');
    await ingestEvents(db, 'fr-paris', [
      countsEvent('rc-paris', directive.directiveId, LATER(1), {
        reached: 3,
        safe: 2,
        needHelp: 1,
        noAnswer: 7,
      }),
    ]);
    await db.query(`UPDATE missions SET name = '=1+1' WHERE id = 'fr-paris'`);
    const file = await rollCalls.csv(directive.directiveId);
    expect(file?.fileName).toBe(`appel_${directive.directiveId}.csv`);
    const rows = parse(file?.body ?? '', { bom: true }) as string[][];
    expect(rows[0]).toEqual([
      'Mission',
      'Nom',
      'État',
      'Personnes',
      'Joints',
      'En sécurité',
      "Besoin d'aide",
      'Hors zone',
      'Sans réponse',
      'Compté le',
    ]);
    expect(rows[2]?.slice(0, 9)).toEqual(['fr-paris', "'=1+1", 'ouvert', '10', '3', '2', '1', '0', '7']);
    expect(rows[1]?.slice(0, 3)).toEqual(['cm-yaounde', 'Ambassade cm-yaounde', 'non reçu']);
    expect(rows[3]?.slice(0, 9)).toEqual(['Total', '1/2 missions', '', '10', '3', '2', '1', '0', '7']);
  });
});
