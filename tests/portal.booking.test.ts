import { afterEach, describe, expect, it } from 'vitest';
import { applicant, codeFor, TUESDAY_9AM, wrongCode } from './_util/appointments.js';
import type { TestNode } from './_util/node-app.js';
import { PortalVisitor, portalNode } from './_util/portal.js';

const nodes: TestNode[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.cleanup();
});

async function open(limits?: Parameters<typeof portalNode>[0]) {
  const node = await portalNode(limits);
  nodes.push(node);
  return node;
}

const RENEWAL = 'passport-renewal';
const WEDNESDAY_9AM = '2026-03-04T08:00:00.000Z';

/** The form fields of the n-th applicant of the fixtures. */
function details(n: number) {
  const person = applicant(n);
  return {
    givenNames: person.applicant.givenNames,
    familyName: person.applicant.familyName,
    documentNumber: person.documentNumber,
    phone: person.phone,
  };
}

/** Checks a redirect as it is sent: a booking reference at most, never a name, phone or document. */
function expectNoPersonalData(location: unknown): void {
  expect(location).toMatch(/^\/rendez-vous\/(code|confirmation)\/RDV-[A-Z0-9-]+$/);
  expect(location).not.toMatch(/Clarisse|Ngoumbango|CF1|\+33|%2B33/);
}

/** Books through the forms as a visitor would, up to the page asking for the SMS code. */
async function holdThroughForms(node: TestNode, visitor: PortalVisitor, n: number, slot = TUESDAY_9AM) {
  const slots = await visitor.get(`/rendez-vous/creneaux?service=${RENEWAL}`);
  expect(slots.statusCode).toBe(200);
  expect(slots.body).toContain(`value="${slot}"`);
  const form = await visitor.get(
    `/rendez-vous/coordonnees?service=${RENEWAL}&creneau=${encodeURIComponent(slot)}`,
  );
  expect(form.statusCode).toBe(200);
  const held = await visitor.post('/rendez-vous/coordonnees', {
    service: RENEWAL,
    creneau: slot,
    ...details(n),
  });
  expect(held.statusCode, held.body).toBe(303);
  expectNoPersonalData(held.headers.location);
  const reference = /\/rendez-vous\/code\/(RDV-[A-Z0-9-]+)$/.exec(String(held.headers.location))?.[1];
  if (!reference) throw new Error(`no reference in ${held.headers.location}`);
  const codePage = await visitor.follow(held);
  expect(codePage.body).toContain('name="code"');
  return { reference, code: codeFor(node.store, reference) };
}

async function bookThroughForms(node: TestNode, visitor: PortalVisitor, n: number, slot = TUESDAY_9AM) {
  const { reference, code } = await holdThroughForms(node, visitor, n, slot);
  const confirmed = await visitor.post(`/rendez-vous/code/${reference}`, { code });
  expect(confirmed.statusCode).toBe(303);
  expectNoPersonalData(confirmed.headers.location);
  return { reference, done: await visitor.follow(confirmed) };
}

describe('portal booking', () => {
  it('books end to end through the forms: service, slot, details, SMS code, confirmation', async () => {
    const node = await open();
    const visitor = new PortalVisitor(node);
    const services = await visitor.get('/rendez-vous');
    expect(services.body).toContain(`href="/rendez-vous/creneaux?service=${RENEWAL}"`);
    const { reference, done } = await bookThroughForms(node, visitor, 1);
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain(reference);
    expect(done.body).toContain('Confirmé');
    expect(done.body).toContain('mardi 3 mars 2026');
    expect(node.domain.appointments.get(reference)?.state).toBe('confirmed');
  });

  it('books in Sango, and the SMS goes out in Sango', async () => {
    const node = await open();
    const visitor = new PortalVisitor(node);
    await visitor.get('/rendez-vous?lang=sg');
    const { reference, done } = await bookThroughForms(node, visitor, 2);
    expect(done.body).toMatch(/<html lang="sg">/);
    expect(done.body).toContain('Ayeke biani');
    const row = node.store.db.prepare('SELECT lang FROM appointments WHERE reference = ?').get(reference) as {
      lang: string;
    };
    expect(row.lang).toBe('sg');
  });

  it('refuses a wrong SMS code beside the field, then accepts the right one', async () => {
    const node = await open();
    const visitor = new PortalVisitor(node);
    const { reference, code } = await holdThroughForms(node, visitor, 3);
    const wrong = await visitor.post(`/rendez-vous/code/${reference}`, { code: wrongCode(code) });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toMatch(/id="e-code"[^>]*>Ce code ne correspond pas/);
    expect(wrong.body).toMatch(/aria-describedby="e-code" aria-invalid="true"/);
    const malformed = await visitor.post(`/rendez-vous/code/${reference}`, { code: '12' });
    expect(malformed.statusCode).toBe(400);
    const right = await visitor.post(`/rendez-vous/code/${reference}`, { code });
    expect(right.statusCode).toBe(303);
  });

  it('keeps what was typed and ties each error to its field when details are refused', async () => {
    const node = await open();
    const visitor = new PortalVisitor(node);
    await visitor.get(
      `/rendez-vous/coordonnees?service=${RENEWAL}&creneau=${encodeURIComponent(TUESDAY_9AM)}`,
    );
    const refused = await visitor.post('/rendez-vous/coordonnees', {
      service: RENEWAL,
      creneau: TUESDAY_9AM,
      ...details(4),
      phone: '12',
      familyName: '',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('value="Clarisse 4"');
    expect(refused.body).toMatch(/<a href="#f-phone">/);
    expect(refused.body).toMatch(/id="f-phone"[^>]*aria-describedby="e-phone h-phone" aria-invalid="true"/);
    expect(refused.body).toMatch(/id="f-familyName"[^>]*aria-invalid="true"/);
    expect(node.store.db.prepare('SELECT count(*) AS n FROM appointments').get()).toEqual({ n: 0 });
  });

  it('refuses a form posted without its CSRF token, or with a forged one', async () => {
    const node = await open();
    const visitor = new PortalVisitor(node);
    await visitor.get(
      `/rendez-vous/coordonnees?service=${RENEWAL}&creneau=${encodeURIComponent(TUESDAY_9AM)}`,
    );
    const fields = { service: RENEWAL, creneau: TUESDAY_9AM, ...details(5) };
    const missing = await visitor.post('/rendez-vous/coordonnees', { ...fields, _csrf: '' });
    expect(missing.statusCode).toBe(403);
    expect(missing.body).toContain('Le formulaire a expiré');
    const forged = await visitor.post('/rendez-vous/coordonnees', {
      ...fields,
      _csrf: 'forged-token-of-some-length',
    });
    expect(forged.statusCode).toBe(403);
    const stranger = new PortalVisitor(node);
    const noCookie = await stranger.post('/rendez-vous/coordonnees', fields);
    expect(noCookie.statusCode).toBe(403);
    expect(node.store.db.prepare('SELECT count(*) AS n FROM appointments').get()).toEqual({ n: 0 });
  });

  it('applies the anti-hoarding rule once the code proves the phone, and keeps the code form', async () => {
    const node = await open();
    const visitor = new PortalVisitor(node);
    await bookThroughForms(node, visitor, 6, TUESDAY_9AM);
    await bookThroughForms(node, visitor, 6, WEDNESDAY_9AM);
    const { reference, code } = await holdThroughForms(node, visitor, 6, '2026-03-05T08:00:00.000Z');
    const third = await visitor.post(`/rendez-vous/code/${reference}`, { code });
    expect(third.statusCode).toBe(429);
    expect(third.body).toContain('nombre maximal de rendez-vous');
    expect(third.body).toContain('name="code"');
    expect(node.domain.appointments.get(reference)?.state).toBe('held');
  });

  it('answers the details form alike whether the phone and the document have bookings or not', async () => {
    const node = await open();
    await bookThroughForms(node, new PortalVisitor(node), 6, TUESDAY_9AM);
    await bookThroughForms(node, new PortalVisitor(node), 6, WEDNESDAY_9AM);
    const answer = async (n: number) => {
      const visitor = new PortalVisitor(node);
      const slot = '2026-03-05T08:00:00.000Z';
      await visitor.get(`/rendez-vous/coordonnees?service=${RENEWAL}&creneau=${encodeURIComponent(slot)}`);
      const held = await visitor.post('/rendez-vous/coordonnees', {
        service: RENEWAL,
        creneau: slot,
        ...details(n),
      });
      const page = await visitor.follow(held);
      const anonymous = (text: string) =>
        text.replace(/RDV-[A-Z0-9-]+/g, 'RDV').replace(/name="_csrf" value="[^"]+"/g, '');
      return {
        status: held.statusCode,
        location: anonymous(String(held.headers.location)),
        page: anonymous(page.body),
      };
    };
    const [known, unknown] = [await answer(6), await answer(11)];
    expect(known.status).toBe(303);
    expect(known).toEqual(unknown);
  });

  it('says too many SMS went to the number, keeping what was typed, and holds nothing', async () => {
    const node = await open();
    const { phone } = details(12);
    for (let n = 0; n < 5; n++) {
      const slotStart = new Date(Date.parse(TUESDAY_9AM) + n * 20 * 60_000).toISOString();
      node.domain.appointments.book(
        { serviceCode: RENEWAL, slotStart, ...applicant(300 + n), phone },
        'portal',
      );
    }
    const visitor = new PortalVisitor(node);
    await visitor.get(
      `/rendez-vous/coordonnees?service=${RENEWAL}&creneau=${encodeURIComponent(WEDNESDAY_9AM)}`,
    );
    const refused = await visitor.post('/rendez-vous/coordonnees', {
      service: RENEWAL,
      creneau: WEDNESDAY_9AM,
      ...details(12),
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toContain('Trop de SMS ont été envoyés à ce numéro');
    expect(refused.body).toContain('value="CF1000012"');
    expect(node.store.db.prepare('SELECT count(*) AS n FROM appointments').get()).toEqual({ n: 5 });
  });

  it('limits booking forms per client address', async () => {
    const node = await open({ limits: { booking: 2 } });
    const visitor = new PortalVisitor(node);
    await visitor.get(
      `/rendez-vous/coordonnees?service=${RENEWAL}&creneau=${encodeURIComponent(TUESDAY_9AM)}`,
    );
    const fields = { service: RENEWAL, creneau: TUESDAY_9AM, ...details(7), phone: 'x' };
    expect((await visitor.post('/rendez-vous/coordonnees', fields)).statusCode).toBe(400);
    expect((await visitor.post('/rendez-vous/coordonnees', fields)).statusCode).toBe(400);
    const limited = await visitor.post('/rendez-vous/coordonnees', fields);
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('Trop de tentatives');
  });

  it('pages through the weeks of slots, never before this week', async () => {
    const node = await open();
    const visitor = new PortalVisitor(node);
    const first = await visitor.get(`/rendez-vous/creneaux?service=${RENEWAL}`);
    expect(first.body).not.toContain('Semaine précédente');
    expect(first.body).toContain('semaine=2026-03-09');
    const next = await visitor.get(`/rendez-vous/creneaux?service=${RENEWAL}&semaine=2026-03-09`);
    expect(next.body).toContain('value="2026-03-09T08:00:00.000Z"');
    expect(next.body).toContain('semaine=2026-03-02');
    const unknown = await visitor.get('/rendez-vous/creneaux?service=no-such-service');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('n’est pas proposé');
  });
});

describe('portal: managing a booking (every redirect checked for personal data)', () => {
  it('cancels a booking with its reference and phone, and refuses a wrong phone', async () => {
    const node = await open();
    const visitor = new PortalVisitor(node);
    const { reference } = await bookThroughForms(node, visitor, 8);
    await visitor.get('/rendez-vous/gerer');
    const shown = await visitor.post('/rendez-vous/gerer', { reference, phone: details(8).phone });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('action="/rendez-vous/annuler"');
    const wrong = await visitor.post('/rendez-vous/annuler', { reference, phone: details(9).phone });
    expect(wrong.statusCode).toBe(404);
    expect(wrong.body).toContain('Aucun rendez-vous ne correspond');
    expect(node.domain.appointments.get(reference)?.state).toBe('confirmed');
    await visitor.post('/rendez-vous/gerer', { reference, phone: details(8).phone });
    const cancelled = await visitor.post('/rendez-vous/annuler', { reference, phone: details(8).phone });
    expect(cancelled.statusCode).toBe(303);
    expectNoPersonalData(cancelled.headers.location);
    const page = await visitor.follow(cancelled);
    expect(page.body).toContain('Annulé');
    expect(node.domain.appointments.get(reference)?.state).toBe('cancelled');
  });

  it('moves a booking to a slot chosen in another week', async () => {
    const node = await open();
    const visitor = new PortalVisitor(node);
    const { reference } = await bookThroughForms(node, visitor, 10);
    const phone = details(10).phone;
    await visitor.get('/rendez-vous/gerer');
    await visitor.post('/rendez-vous/gerer', { reference, phone });
    const choice = await visitor.post('/rendez-vous/deplacer', { reference, phone });
    expect(choice.statusCode).toBe(200);
    expect(choice.body).toContain('name="semaine" value="2026-03-09"');
    const nextWeek = await visitor.post('/rendez-vous/deplacer', {
      reference,
      phone,
      semaine: '2026-03-09',
      creneau: WEDNESDAY_9AM,
    });
    expect(nextWeek.body).toContain('value="2026-03-10T08:00:00.000Z"');
    expect(node.domain.appointments.get(reference)?.slotStart).toBe(TUESDAY_9AM);
    const moved = await visitor.post('/rendez-vous/deplacer', {
      reference,
      phone,
      creneau: '2026-03-10T08:00:00.000Z',
    });
    expect(moved.statusCode).toBe(303);
    expectNoPersonalData(moved.headers.location);
    expect(node.domain.appointments.get(reference)?.slotStart).toBe('2026-03-10T08:00:00.000Z');
    const again = await visitor.post('/rendez-vous/deplacer', {
      reference,
      phone,
      creneau: '2026-03-10T08:00:00.000Z',
    });
    expect(again.statusCode).toBe(409);
  });
});
