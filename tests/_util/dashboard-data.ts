import { randomUUID } from 'node:crypto';
import type { Database } from '../../hub/db/database.js';
import { ingestHandlers } from '../../hub/ingest/handlers/index.js';
import { EVENTS_BATCH, type MissionEvent } from '../../protocol/index.js';

/** An event as a mission sends it, with a fresh id. */
export function event(
  kind: string,
  entityId: string,
  at: string,
  data: Record<string, unknown>,
): MissionEvent {
  const entity = kind.split('.')[0] ?? 'x';
  return { id: randomUUID(), kind, entity, entityId, at, data };
}

/** Stores a batch through the hub's own events.batch handler, in one transaction, as ingest does. */
export async function ingestEvents(db: Database, missionId: string, events: MissionEvent[]): Promise<void> {
  const handler = ingestHandlers[EVENTS_BATCH];
  if (!handler) throw new Error('no events.batch handler');
  await db.transaction((tx) => handler(tx, { events }, { missionId, now: new Date() }).then(() => undefined));
}

/** A mission row as enrolment leaves it (the dashboards read only these columns). */
export async function addMission(
  db: Database,
  mission: { id: string; name: string; online: boolean; lastSeenAt?: string; backlog?: number },
): Promise<void> {
  await db.query(
    `INSERT INTO missions (id, name, certificate, online, last_seen_at, backlog_events)
     VALUES ($1, $2, '{}'::jsonb, $3, $4, $5)`,
    [mission.id, mission.name, mission.online, mission.lastSeenAt ?? null, mission.backlog ?? 0],
  );
}

const file = (id: string, at: string, serviceCode: string, state = 'submitted') =>
  event('file.opened', id, at, { serviceCode, channel: 'counter', state });
const move = (id: string, at: string, serviceCode: string, from: string, to: string) =>
  event('file.transitioned', id, at, { serviceCode, from, to });
const pay = (id: string, at: string, amountMinor: unknown, currency: string) =>
  event('payment.recorded', id, at, {
    serviceCode: 'passport-renewal',
    amountMinor,
    currency,
    method: 'cash',
  });

/** Paris, March 2026: 4 booked, 2 honoured, 1 missed, 1 cancelled; three files; EUR and XAF. */
export function parisMarch(): MissionEvent[] {
  const booked = ['A1', 'A2', 'A3', 'A4'].map((id, i) =>
    event('appointment.booked', id, `2026-03-0${2 + i}T09:00:00.000Z`, { serviceCode: 'passport-renewal' }),
  );
  return [
    ...booked,
    event('appointment.checked_in', 'A1', '2026-03-10T09:00:00.000Z', {}),
    event('appointment.checked_in', 'A2', '2026-03-10T09:30:00.000Z', {}),
    event('appointment.no_show', 'A3', '2026-03-11T09:00:00.000Z', {}),
    event('appointment.cancelled', 'A4', '2026-03-06T09:00:00.000Z', {}),
    // 10 days from opening to ready, 2 of them waiting for the payment: 8 days against a target of 15.
    file('F1', '2026-03-02T08:00:00.000Z', 'passport-renewal'),
    move('F1', '2026-03-03T08:00:00.000Z', 'passport-renewal', 'submitted', 'in_review'),
    move('F1', '2026-03-04T08:00:00.000Z', 'passport-renewal', 'in_review', 'awaiting_payment'),
    move('F1', '2026-03-06T08:00:00.000Z', 'passport-renewal', 'awaiting_payment', 'in_review'),
    move('F1', '2026-03-09T08:00:00.000Z', 'passport-renewal', 'in_review', 'approved'),
    move('F1', '2026-03-12T08:00:00.000Z', 'passport-renewal', 'approved', 'ready'),
    // Two and a half hours at the counter, against a target of 0 days.
    file('F2', '2026-03-05T10:00:00.000Z', 'legalisation'),
    move('F2', '2026-03-05T11:00:00.000Z', 'legalisation', 'submitted', 'approved'),
    move('F2', '2026-03-05T12:30:00.000Z', 'legalisation', 'approved', 'delivered'),
    file('F3', '2026-03-10T08:00:00.000Z', 'passport-renewal'),
    pay('P1', '2026-03-04T10:00:00.000Z', 8600, 'EUR'),
    pay('P2', '2026-03-06T10:00:00.000Z', 8600, 'EUR'),
    pay('P3', '2026-03-07T10:00:00.000Z', 25000, 'XAF'),
    // Malformed: kept as a replica, left out of the money.
    pay('P4', '2026-03-07T11:00:00.000Z', 'beaucoup', 'EUR'),
    event('refund.recorded', 'R1', '2026-03-08T10:00:00.000Z', { amountMinor: 1000, currency: 'EUR' }),
    event('survey.answered', 'S1', '2026-03-13T10:00:00.000Z', { serviceCode: 'legalisation', rating: 5 }),
    event('survey.answered', 'S2', '2026-03-14T10:00:00.000Z', {
      serviceCode: 'passport-renewal',
      rating: 3,
    }),
    // January: outside a March period.
    event('appointment.booked', 'A0', '2026-01-15T09:00:00.000Z', { serviceCode: 'passport-renewal' }),
  ];
}

/** Yaoundé, March 2026: 2 booked, 1 honoured, 1 missed; one file refused after 20 days; XAF. */
export function yaoundeMarch(): MissionEvent[] {
  return [
    event('appointment.booked', 'B1', '2026-03-02T09:00:00.000Z', { serviceCode: 'passport-renewal' }),
    event('appointment.booked', 'B2', '2026-03-02T10:00:00.000Z', { serviceCode: 'passport-renewal' }),
    event('appointment.checked_in', 'B1', '2026-03-12T09:00:00.000Z', {}),
    event('appointment.no_show', 'B2', '2026-03-12T10:00:00.000Z', {}),
    file('G1', '2026-03-03T08:00:00.000Z', 'passport-renewal'),
    move('G1', '2026-03-23T08:00:00.000Z', 'passport-renewal', 'submitted', 'rejected'),
    pay('Q1', '2026-03-03T10:00:00.000Z', 50000, 'XAF'),
  ];
}

/** The known data set of the dashboard tests: two missions, a catalogue, a directive, two registry submissions. */
export async function seedDashboardData(db: Database): Promise<void> {
  await addMission(db, {
    id: 'fr-paris',
    name: 'Ambassade à Paris',
    online: true,
    lastSeenAt: '2026-03-31T11:00:00Z',
  });
  await addMission(db, { id: 'cm-yaounde', name: 'Ambassade à Yaoundé', online: false, backlog: 12 });
  await db.query(
    `INSERT INTO catalogue_versions (version, services, published_by, published_at)
     VALUES (1, $1::jsonb, 'test', '2026-01-01T00:00:00Z')`,
    [
      JSON.stringify([
        { code: 'passport-renewal', name: { fr: 'Renouvellement de passeport' }, processingDaysTarget: 15 },
        { code: 'legalisation', name: { fr: 'Légalisation' }, processingDaysTarget: 0 },
      ]),
    ],
  );
  await ingestEvents(db, 'fr-paris', parisMarch());
  await ingestEvents(db, 'cm-yaounde', yaoundeMarch());
  await seedDirective(db);
  await db.query(
    `INSERT INTO registry_submissions (submission_id, mission_id, kind, record_id, person, submitted_at, received_at, status)
     VALUES ($1, 'cm-yaounde', 'birth', 'N1', '{}', '2026-03-20T00:00:00Z', '2026-03-20T00:00:00Z', 'pending'),
            ($2, 'cm-yaounde', 'birth', 'N2', '{}', '2026-03-21T00:00:00Z', '2026-03-21T00:00:00Z', 'review')`,
    [randomUUID(), randomUUID()],
  );
}

async function seedDirective(db: Database): Promise<void> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO directives (id, title, body, priority, target, effective_at, requires_ack, issued_by, issued_at)
     VALUES ($1, '{"fr":"Recensement"}', '{"fr":"…"}', 'normal', '"all"', '2026-03-01T00:00:00Z', true,
             'Direction', '2026-03-01T00:00:00Z')`,
    [id],
  );
  await db.query(
    `INSERT INTO directive_status (directive_id, mission_id, sent_at, received_at, acknowledged_at)
     VALUES ($1, 'fr-paris', '2026-03-01T00:00:00Z', '2026-03-01T01:00:00Z', '2026-03-02T00:00:00Z'),
            ($1, 'cm-yaounde', '2026-03-01T00:00:00Z', NULL, NULL)`,
    [id],
  );
}
