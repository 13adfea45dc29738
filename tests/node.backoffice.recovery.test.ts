import { afterEach, describe, expect, it } from 'vitest';
import { appendEvent, newEvent } from '../node/services/outbox/outbox.js';
import {
  countRecoveredByOutcome,
  countRecoveredToReview,
  keepRecoveredEvents,
  listRecoveredEvents,
} from '../node/services/recovery/recovered-events.js';
import { auditEntries, pageUser, staffApps } from './_util/backoffice-pages.js';

const apps = staffApps();
afterEach(apps.closeAll);

const booked = (entityId: string) =>
  newEvent({
    kind: 'appointment.booked',
    entity: 'appointment',
    entityId,
    at: '2026-03-01T09:30:00.000Z',
    data: { serviceCode: 'passport_renewal', slotStart: '2026-03-04T08:00:00.000Z', state: 'booked' },
  });

describe('records recovered from the hub after a restore', () => {
  it('keeps each recovered event once, and none the node still holds', async () => {
    const s = await apps.open();
    const { store } = s.temp;
    const held = booked('a-held');
    appendEvent(store, held);
    const lost = [booked('a-lost-1'), booked('a-lost-2')];
    expect(keepRecoveredEvents(store, [held, ...lost], '2026-03-02T07:00:00.000Z')).toBe(2);
    expect(keepRecoveredEvents(store, lost, '2026-03-02T07:05:00.000Z')).toBe(0);
    expect(
      listRecoveredEvents(store)
        .map((event) => event.entityId)
        .sort(),
    ).toEqual(['a-lost-1', 'a-lost-2']);
    // The data is kept encrypted, like the outbox's.
    const raw = store.db.prepare('SELECT data FROM recovered_events LIMIT 1').get() as { data: Uint8Array };
    expect(Buffer.from(raw.data).toString('utf8')).not.toContain('passport_renewal');
  });

  it('shows them to the staff, lets an agent mark one done (audited), and the auditor only read', async () => {
    const s = await apps.open();
    const { store } = s.temp;
    const [first, second] = [booked('a-lost-1'), booked('a-lost-2')];
    keepRecoveredEvents(store, [first, second], '2026-03-02T07:00:00.000Z');
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const auditor = await pageUser(s, await s.enrolled('kossi', ['auditor']));

    const page = await agent.get('/staff/recuperation');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Rendez-vous pris');
    expect(page.body).toContain('appointment a-lost-1');
    expect(page.body).toContain('serviceCode : passport_renewal');
    expect(page.body).toContain(`/staff/recuperation/${first.id}/traite`);
    expect(page.body).toContain('href="/staff/recuperation"');

    const seen = await auditor.get('/staff/recuperation');
    expect(seen.body).toContain('appointment a-lost-2');
    expect(seen.body).not.toContain('/traite');
    const refused = await auditor.submit('/staff/recuperation', `/staff/recuperation/${first.id}/traite`, {});
    expect(refused.statusCode).toBe(403);

    const marked = await agent.submit('/staff/recuperation', `/staff/recuperation/${first.id}/traite`, {});
    expect(marked.statusCode).toBe(303);
    expect(countRecoveredToReview(store)).toBe(1);
    expect(auditEntries(s, 'recovered_event.reviewed')).toEqual([
      { actor: 'yakite', entity: 'recovered_event', entityId: first.id },
    ]);
    const after = await agent.get('/staff/recuperation?ok=recovered_reviewed');
    expect(after.body).toContain('marqué comme traité');
    expect(after.body).not.toContain('appointment a-lost-1');
    expect((await agent.get('/staff/recuperation?tout=1')).body).toContain('par yakite');

    // A second mark, or an id that is not a uuid, changes nothing.
    expect(
      (await agent.submit('/staff/recuperation', `/staff/recuperation/${first.id}/traite`, {})).statusCode,
    ).toBe(303);
    expect(auditEntries(s, 'recovered_event.reviewed')).toHaveLength(1);
    expect(
      (await agent.submit('/staff/recuperation', '/staff/recuperation/not-a-uuid/traite', {})).statusCode,
    ).toBe(400);
  });

  it('says what became of each record, and counts only those an agent must act on', async () => {
    const s = await apps.open();
    const { store } = s.temp;
    const [restored, overbooked, uncopied] = [booked('a-1'), booked('a-2'), booked('a-3')];
    const outcomes = new Map([
      ['appointment:a-1', 'restored'],
      ['appointment:a-2', 'overbooked'],
    ] as const);
    keepRecoveredEvents(
      store,
      [restored, overbooked, uncopied],
      '2026-03-02T07:00:00.000Z',
      new Map(outcomes),
    );
    expect(countRecoveredToReview(store)).toBe(2);
    expect(countRecoveredByOutcome(store)).toEqual({ restored: 1, overbooked: 1, not_copied: 1 });
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const page = (await agent.get('/staff/recuperation')).body;
    expect(page).toContain('Remis en place depuis la copie scellée');
    expect(page).toContain('le créneau a été redonné');
    expect(page).toContain('Aucune copie reçue');
    expect(page.match(/À traiter/g)).toHaveLength(2);
  });

  it('refuses the page without a session', async () => {
    const s = await apps.open();
    const anonymous = await s.app.inject({ url: '/staff/recuperation' });
    expect([302, 303, 401]).toContain(anonymous.statusCode);
  });
});
