import type { Database } from '../../hub/db/database.js';

/** How much history to generate. */
export interface DashboardDataSize {
  readonly missions: number;
  readonly days: number;
  /** Appointment, money, survey and other single events per mission and day. */
  readonly eventsPerDay: number;
  /** Files opened per mission and day; each has four events (opened, then three moves). */
  readonly filesPerDay: number;
}

// The mix of single events a mission sends, one slot per twentieth.
const KINDS = [
  ...Array(6).fill('appointment.booked'),
  ...Array(4).fill('appointment.checked_in'),
  'appointment.no_show',
  'appointment.cancelled',
  'appointment.held',
  ...Array(3).fill('payment.recorded'),
  'refund.recorded',
  'invoice.created',
  'survey.answered',
  'waitlist.joined',
] as string[];

const SERVICES = ['passport-renewal', 'consular-card', 'legalisation', 'visa'];

/**
 * Generates `size` of history into mission_events, in the server (generate_series), one mission
 * per statement: the dashboards' trigger maintains the rollups as ingest would. Returns the count.
 */
export async function generateDashboardData(
  db: Database,
  size: DashboardDataSize,
  start: Date,
): Promise<number> {
  await publishTargets(db);
  for (let m = 1; m <= size.missions; m++) {
    const id = `bm-m${String(m).padStart(2, '0')}`;
    await db.query(
      `INSERT INTO missions (id, name, certificate, online, last_seen_at, backlog_events)
       VALUES ($1, $2, '{}'::jsonb, $3, now(), $4)`,
      [id, `Mission ${m}`, m % 7 !== 0, m % 5],
    );
    await db.query(SINGLE_EVENTS, [
      id,
      start.toISOString(),
      size.days,
      size.eventsPerDay,
      `{${KINDS.join(',')}}`,
    ]);
    await db.query(FILE_EVENTS, [
      id,
      start.toISOString(),
      size.days,
      size.filesPerDay,
      `{${SERVICES.join(',')}}`,
    ]);
  }
  const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM mission_events');
  return Number(row?.n ?? 0);
}

const SINGLE_EVENTS = `
INSERT INTO mission_events (event_id, mission_id, kind, entity, entity_id, at, data)
SELECT gen_random_uuid(), $1::text, k.kind, split_part(k.kind, '.', 1), 'E' || d || '-' || i,
       $2::timestamptz + make_interval(days => d, mins => (i * 37) % 600),
       CASE WHEN k.kind IN ('payment.recorded', 'refund.recorded')
              THEN jsonb_build_object('amountMinor', 5000 + (i * 331 + d) % 20000,
                                      'currency', CASE WHEN (i + d) % 3 = 0 THEN 'XAF' ELSE 'EUR' END)
            WHEN k.kind = 'survey.answered' THEN jsonb_build_object('rating', 1 + (i + d) % 5)
            ELSE jsonb_build_object('serviceCode', 'passport-renewal', 'state', 'confirmed') END
  FROM generate_series(0, $3::int - 1) AS d, generate_series(1, $4::int) AS i,
       LATERAL (SELECT ($5::text[])[1 + (i * 7 + d) % 20] AS kind) AS k`;

// opened → in review the next day → approved after 2 to 21 days → ready 1 to 5 days later.
const FILE_EVENTS = `
INSERT INTO mission_events (event_id, mission_id, kind, entity, entity_id, at, data)
SELECT gen_random_uuid(), $1::text, s.kind, 'file', 'F' || d || '-' || i, f.opened + s.after,
       jsonb_build_object('serviceCode', f.service) || s.data
  FROM generate_series(0, $3::int - 1) AS d, generate_series(1, $4::int) AS i,
       LATERAL (SELECT $2::timestamptz + make_interval(days => d, hours => 8 + i) AS opened,
                       ($5::text[])[1 + (i + d) % 4] AS service,
                       2 + (i * 13 + d) % 20 AS review_days) AS f,
       LATERAL (VALUES
         ('file.opened', interval '0', '{"state": "submitted"}'::jsonb),
         ('file.transitioned', interval '1 day', '{"from": "submitted", "to": "in_review"}'::jsonb),
         ('file.transitioned', make_interval(days => f.review_days), '{"from": "in_review", "to": "approved"}'::jsonb),
         ('file.transitioned', make_interval(days => f.review_days + 1 + (i + d) % 5), '{"from": "approved", "to": "ready"}'::jsonb)
       ) AS s(kind, after, data)`;

async function publishTargets(db: Database): Promise<void> {
  const services = SERVICES.map((code, index) => ({
    code,
    name: { fr: code },
    processingDaysTarget: [15, 10, 0, 20][index],
  }));
  await db.query(
    `INSERT INTO catalogue_versions (version, services, published_by, published_at)
     VALUES (1, $1::jsonb, 'bench', now())`,
    [JSON.stringify(services)],
  );
}
