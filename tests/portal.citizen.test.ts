import { afterEach, describe, expect, it } from 'vitest';
import { readBatch } from '../node/services/outbox/outbox.js';
import { SURVEY_ANSWERED } from '../node/services/surveys/survey-service.js';
import type { TestNode } from './_util/node-app.js';
import {
  COUNTER_FILE_BIRTH_DATE,
  COUNTER_FILE_PHONE,
  openCounterFile,
  PortalVisitor,
  portalNode,
} from './_util/portal.js';

const nodes: TestNode[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.cleanup();
});

async function open(options?: Parameters<typeof portalNode>[0]) {
  const node = await portalNode(options);
  nodes.push(node);
  return node;
}

const PHONE = COUNTER_FILE_PHONE;
const BIRTH = COUNTER_FILE_BIRTH_DATE;

const counterFile = (node: TestNode) => openCounterFile(node.domain);

function deliver(node: TestNode, fileId: string) {
  for (const to of ['in_review', 'approved', 'ready', 'delivered'] as const)
    node.domain.files.transition(fileId, { to }, 'agent');
}

describe('portal: file tracking', () => {
  it('shows the details with the right secret, only the status with a wrong one', async () => {
    const node = await open();
    const { file } = counterFile(node);
    const visitor = new PortalVisitor(node);
    await visitor.get('/suivi');
    const right = await visitor.post('/suivi', { numero: file.trackingNumber, secret: '14/03/1988' });
    expect(right.statusCode).toBe(200);
    expect(right.body).toContain('Déposé');
    expect(right.body).toContain('Carte consulaire');
    expect(right.body).toContain('À payer');
    expect(right.headers['cache-control']).toBe('no-store');
    await visitor.get('/suivi');
    const wrong = await visitor.post('/suivi', { numero: file.trackingNumber, secret: '1990-01-01' });
    expect(wrong.statusCode).toBe(200);
    expect(wrong.body).toContain('Déposé');
    expect(wrong.body).toContain('ne correspond pas : seul l’état');
    expect(wrong.body).not.toMatch(/Carte consulaire|À payer|Yakité/);
  });

  it('refuses a mistyped tracking number beside its field, and an unknown one above the form', async () => {
    const node = await open();
    const { file } = counterFile(node);
    const visitor = new PortalVisitor(node);
    await visitor.get('/suivi?lang=en');
    // The check character changed: to Z, unless it is Z (one number in 32), which would be no typo.
    const mistyped = `${file.trackingNumber.slice(0, -1)}${file.trackingNumber.endsWith('Z') ? 'Y' : 'Z'}`;
    const typo = await visitor.post('/suivi', { numero: mistyped, secret: '' });
    expect(typo.statusCode).toBe(400);
    expect(typo.body).toMatch(/id="e-numero"[^>]*>This tracking number is not valid/);
    expect(typo.body).toContain(`value="${mistyped}"`);
    const wrongSecretKept = await visitor.post('/suivi', { numero: '', secret: '1988-03-14' });
    expect(wrongSecretKept.body).not.toContain('1988-03-14');
  });

  it('locks a file’s details after five wrong secrets, tells the visitor in the page’s language, and the payment form too', async () => {
    const node = await open();
    const { file } = counterFile(node);
    const visitor = new PortalVisitor(node);
    for (let n = 1; n <= 5; n += 1) {
      await visitor.get('/suivi');
      expect(
        (await visitor.post('/suivi', { numero: file.trackingNumber, secret: `1990-01-0${n}` })).statusCode,
      ).toBe(200);
    }
    await visitor.get('/suivi?lang=en');
    const locked = await visitor.post('/suivi', { numero: file.trackingNumber, secret: BIRTH });
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('Too many wrong answers for this file');
    expect(locked.body).not.toMatch(/Carte consulaire|Yakité/);
    await visitor.get('/paiement');
    const payment = await visitor.post('/paiement', { numero: file.trackingNumber, secret: PHONE });
    expect(payment.statusCode).toBe(429);
  });

  it('limits look-ups with a secret per client address', async () => {
    const node = await open({ limits: { lookup: 2 } });
    const { file } = counterFile(node);
    const visitor = new PortalVisitor(node);
    for (const secret of ['1990-01-01', '1990-01-02']) {
      await visitor.get('/suivi');
      expect((await visitor.post('/suivi', { numero: file.trackingNumber, secret })).statusCode).toBe(200);
    }
    await visitor.get('/suivi');
    const limited = await visitor.post('/suivi', { numero: file.trackingNumber, secret: BIRTH });
    expect(limited.statusCode).toBe(429);
    expect(limited.body).not.toContain('Yakité');
  });
});

describe('portal: consular registration', () => {
  const identity = {
    givenNames: 'Jean-Baptiste',
    familyName: 'Ngaïkoura',
    birthDate: '1979-11-02',
    phone: '06 98 76 54 32',
  };

  it('refuses a registration without consent to processing, keeping what was typed', async () => {
    const node = await open();
    const visitor = new PortalVisitor(node);
    await visitor.get('/immatriculation');
    const refused = await visitor.post('/immatriculation', {
      ...identity,
      consents: ['census'],
      languages: ['sg', 'fr'],
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toMatch(/id="e-consents"[^>]*>Sans votre accord/);
    expect(refused.body).toContain('value="Ngaïkoura"');
    expect(refused.body).toMatch(/value="sg" checked/);
    expect(node.store.db.prepare('SELECT count(*) AS n FROM registrations').get()).toEqual({ n: 0 });
  });

  it('records a registration with the census and the consents given', async () => {
    const node = await open();
    const visitor = new PortalVisitor(node);
    await visitor.get('/immatriculation?lang=en');
    const done = await visitor.post('/immatriculation', {
      ...identity,
      sex: 'M',
      profession: 'Infirmier',
      sector: 'health',
      educationLevel: 'bachelor',
      skills: 'soins infirmiers, logistique',
      languages: ['sg', 'fr'],
      contributions: ['mentoring', 'expertise'],
      consents: ['processing', 'census'],
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Your registration request is recorded.');
    const id = /class="ref">([0-9a-f-]{36})</.exec(done.body)?.[1] ?? '';
    const registration = node.domain.registrations.get(id);
    expect(registration).toMatchObject({ state: 'submitted', channel: 'online' });
    expect(registration?.census).toMatchObject({
      sector: 'health',
      skills: ['soins infirmiers', 'logistique'],
      contributions: ['mentoring', 'expertise'],
    });
    const consents = node.domain.registrations.consents(id).map((c) => [c.purpose, c.granted]);
    expect(consents).toEqual(
      expect.arrayContaining([
        ['processing', true],
        ['census', true],
        ['contact', false],
      ]),
    );
  });

  it('refuses a bad phone number and a date in the future beside their fields', async () => {
    const node = await open();
    const visitor = new PortalVisitor(node);
    await visitor.get('/immatriculation');
    const refused = await visitor.post('/immatriculation', {
      ...identity,
      phone: 'abc',
      birthDate: '1979-13-40',
      consents: ['processing'],
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(/href="#f-phone"/);
    expect(refused.body).toMatch(/href="#f-birthDate"/);
  });
});

describe('portal: paying an invoice', () => {
  it('pays an open invoice through the simulated provider and shows the receipt', async () => {
    const node = await open();
    const { file, invoice } = counterFile(node);
    const visitor = new PortalVisitor(node);
    await visitor.get('/paiement');
    const listed = await visitor.post('/paiement', { numero: file.trackingNumber, secret: PHONE });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).toContain(`name="invoice" value="${invoice.id}"`);
    const started = await visitor.post('/paiement/regler', { invoice: invoice.id });
    expect(started.statusCode).toBe(303);
    expect(String(started.headers.location)).toMatch(
      /^\/paiement\/simulation\?ref=sim_[0-9a-f-]+&facture=[0-9a-f-]+$/,
    );
    const checkout = await visitor.follow(started);
    expect(checkout.body).toContain('10');
    const ref = /name="ref" value="([^"]+)"/.exec(checkout.body)?.[1] ?? '';
    const paid = await visitor.post('/paiement/simulation', { ref, facture: invoice.id, issue: 'paid' });
    expect(paid.headers.location).toBe(`/paiement/retour/${invoice.id}`);
    const receipt = await visitor.follow(paid);
    expect(receipt.body).toContain('Paiement reçu');
    expect(receipt.body).toMatch(/PAR-\d{4}-\d+/);
    expect(node.domain.payments.getInvoice(invoice.id)?.state).toBe('paid');
  });

  it('refuses to list invoices without the applicant’s secret', async () => {
    const node = await open();
    const { file, invoice } = counterFile(node);
    const visitor = new PortalVisitor(node);
    await visitor.get('/paiement');
    const noSecret = await visitor.post('/paiement', { numero: file.trackingNumber, secret: '' });
    expect(noSecret.statusCode).toBe(400);
    const wrong = await visitor.post('/paiement', {
      numero: file.trackingNumber,
      secret: '+33 6 00 00 00 00',
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).not.toContain(invoice.id);
  });

  it('keeps the invoice open when the payment fails', async () => {
    const node = await open();
    const { file, invoice } = counterFile(node);
    const visitor = new PortalVisitor(node);
    await visitor.get('/paiement');
    await visitor.post('/paiement', { numero: file.trackingNumber, secret: PHONE });
    const checkout = await visitor.follow(await visitor.post('/paiement/regler', { invoice: invoice.id }));
    const ref = /name="ref" value="([^"]+)"/.exec(checkout.body)?.[1] ?? '';
    const failed = await visitor.follow(
      await visitor.post('/paiement/simulation', { ref, facture: invoice.id, issue: 'failed' }),
    );
    expect(failed.body).toContain('n’a pas été reçu');
    expect(node.domain.payments.getInvoice(invoice.id)?.state).toBe('open');
  });
});

describe('portal: satisfaction survey', () => {
  const answers = { overall: '5', speed: '3', welcome: '4' };

  it('takes one answer per delivered file, and none before delivery', async () => {
    const node = await open();
    const { file } = counterFile(node);
    const visitor = new PortalVisitor(node);
    await visitor.get('/enquete');
    const early = await visitor.post('/enquete', { numero: file.trackingNumber, secret: BIRTH, ...answers });
    expect(early.statusCode).toBe(409);
    expect(early.body).toContain('quand le dossier vous a été remis');
    deliver(node, file.id);
    const missing = await visitor.post('/enquete', {
      numero: file.trackingNumber,
      secret: BIRTH,
      overall: '5',
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toMatch(/href="#f-speed"/);
    const done = await visitor.post('/enquete', { numero: file.trackingNumber, secret: BIRTH, ...answers });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Merci');
    await visitor.get('/enquete');
    const twice = await visitor.post('/enquete', { numero: file.trackingNumber, secret: BIRTH, ...answers });
    expect(twice.statusCode).toBe(409);
    const rows = node.store.db.prepare('SELECT overall, speed, welcome, channel FROM survey_answers').all();
    expect(rows).toEqual([{ overall: 5, speed: 3, welcome: 4, channel: 'portal' }]);
    // The hub's dashboards learn of it once, ratings only.
    const reported = readBatch(node.store, { limit: 1000, maxBytes: 1e7 })
      .map((item) => item.event)
      .filter((event) => event.kind === SURVEY_ANSWERED);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.data).toEqual({
      serviceCode: file.serviceCode,
      rating: 5,
      speed: 3,
      welcome: 4,
      channel: 'portal',
    });
  });
});

describe('portal: waiting-room kiosk', () => {
  it('turns the tablet into a kiosk that returns to its start page when idle, without script', async () => {
    const node = await open();
    const tablet = new PortalVisitor(node);
    const start = await tablet.get('/borne');
    expect(start.statusCode).toBe(200);
    expect(start.body).toContain('<body class="kiosk">');
    expect(start.headers.refresh).toBeUndefined();
    expect(tablet.cookie('econsulat_kiosk')).toBe('1');
    const page = await tablet.get('/suivi');
    expect(page.headers.refresh).toBe('120; url=/borne');
    expect(page.body).toContain('<body class="kiosk">');
    expect(page.body).toContain('la borne revient à l’accueil');
    expect(page.body).toContain('<a href="/borne">Accueil</a>');
    expect(page.body).not.toMatch(/http-equiv/);
    const phone = await new PortalVisitor(node).get('/suivi');
    expect(phone.headers.refresh).toBeUndefined();
  });

  it('records a survey answered at the kiosk as such, and leaves kiosk mode on the exit page', async () => {
    const node = await open();
    const { file } = counterFile(node);
    deliver(node, file.id);
    const tablet = new PortalVisitor(node);
    await tablet.get('/borne?lang=sg');
    await tablet.get('/enquete');
    const done = await tablet.post('/enquete', {
      numero: file.trackingNumber,
      secret: PHONE,
      overall: '4',
      speed: '4',
      welcome: '5',
    });
    expect(done.statusCode).toBe(200);
    expect(node.store.db.prepare('SELECT channel, lang FROM survey_answers').get()).toEqual({
      channel: 'kiosk',
      lang: 'sg',
    });
    const exit = await tablet.get('/borne/quitter');
    expect(exit.statusCode).toBe(303);
    expect(tablet.cookie('econsulat_kiosk')).toBeUndefined();
    expect((await tablet.get('/')).headers.refresh).toBeUndefined();
  });
});
