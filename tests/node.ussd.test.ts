import { afterEach, describe, expect, it } from 'vitest';
import { addClosure } from '../node/services/appointments/calendar.js';
import { listServices } from '../node/services/catalogue/catalogue.js';
import { generateTrackingNumber } from '../node/services/files/tracking-number.js';
import { formatAmount } from '../node/services/payments/payment-messages.js';
import type { TestNode } from './_util/node-app.js';
import {
  addService,
  bookingOf,
  buildUssdNode,
  CAR_PHONE,
  expectScreen,
  fileOf,
  OTHER_PHONE,
  reply,
} from './_util/ussd.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function ussdNode(ussd: Parameters<typeof buildUssdNode>[0] = {}): Promise<TestNode> {
  const node = await buildUssdNode(ussd);
  cleanups.push(node.cleanup);
  return node;
}

describe('USSD menu: first screen and languages', () => {
  it('opens in French with the four services and a switch to Sango', async () => {
    const node = await ussdNode();
    const body = await reply(node, '');
    expect(body).toBe(
      'CON Consulat RCA\n1 Suivi de dossier\n2 Mon prochain RDV\n3 Tarifs des services\n4 Horaires\n0 Sango',
    );
    expect(await reply(node, '0')).toMatch(/^CON Konsula ti Beafrika\n1 Dossier ti mo\n/);
  });

  it('opens in Sango for a Central African number, and switches back to French with 0', async () => {
    const node = await ussdNode();
    expect(await reply(node, '', CAR_PHONE)).toMatch(/^CON Konsula ti Beafrika\n[\s\S]*\n0 Francais$/);
    expect(await reply(node, '0', CAR_PHONE)).toMatch(/^CON Consulat RCA\n/);
  });

  it('says an unknown choice is invalid and ends the session after three wrong answers', async () => {
    const node = await ussdNode();
    expect(await reply(node, '7')).toMatch(/^CON Choix invalide\.\nConsulat RCA\n/);
    expect(await reply(node, '7*1')).toMatch(/^CON Numero de dossier/);
    expect(await reply(node, '7*8*9')).toBe("END Trop d'erreurs. Recomposez le code pour recommencer.");
  });
});

describe('USSD menu: file status', () => {
  it("tells a file's status by its tracking number, with the service when the caller is the applicant", async () => {
    const node = await ussdNode();
    const tracking = fileOf(node);
    expect(await reply(node, `1*${tracking}`)).toBe(
      `END Dossier ${tracking}: en cours d'examen, depuis le 02/03/2026.\nService: Passeport - renouvellement`,
    );
    expect(await reply(node, `1*${tracking}`, OTHER_PHONE)).toBe(
      `END Dossier ${tracking}: en cours d'examen, depuis le 02/03/2026.`,
    );
  });

  it('tells it in Sango too, and reads a number typed without prefix, dashes or capitals', async () => {
    const node = await ussdNode();
    const tracking = fileOf(node);
    const typed = tracking.slice(4).replaceAll('-', '').toLowerCase();
    const body = await reply(node, `0*1*${typed}`);
    expect(body).toBe(
      `END Dossier ti mo ${tracking}: a yeke ba ni (lango 02/03/2026).\nService: Fini passeport (kiri na ni)`,
    );
  });

  it('asks again after a typo, an unknown file or another mission, and offers the way back', async () => {
    const node = await ussdNode();
    const tracking = fileOf(node);
    const typo = `${tracking.slice(0, -1)}${tracking.endsWith('0') ? '1' : '0'}`;
    expect(await reply(node, `1*${typo}`)).toMatch(
      /^CON Numero invalide, verifiez-le\.\nNumero de dossier \(ex: PAR-/,
    );
    expect(await reply(node, `1*${generateTrackingNumber('PAR')}`)).toMatch(
      /^CON Aucun dossier avec ce numero\./,
    );
    expect(await reply(node, `1*${generateTrackingNumber('YAO')}`)).toMatch(
      /^CON Ce dossier est suivi par une autre/,
    );
    expect(await reply(node, `1*${typo}*${tracking}`)).toMatch(/^END Dossier /);
    expect(await reply(node, '1*00')).toMatch(/^CON Consulat RCA\n/);
    expect(await reply(node, '1')).toMatch(/\n00 Menu$/);
  });
});

describe('USSD menu: next appointment', () => {
  it("tells the caller's next appointment in the mission's time, in French and in Sango", async () => {
    const node = await ussdNode();
    bookingOf(node);
    expect(await reply(node, '2')).toBe(
      'END Prochain RDV: 03/03/2026 a 09:00\nPasseport - renouvellement\nVenez avec la piece indiquee.',
    );
    expect(await reply(node, '0*2')).toBe(
      'END RDV ti mo: lango 03/03/2026 na 09:00\nFini passeport (kiri na ni)\nGa na mbeti ti mo.',
    );
  });

  it('shows no booking to another number, and says so when the number cannot be read', async () => {
    const node = await ussdNode();
    const reference = bookingOf(node);
    const other = await reply(node, '2', OTHER_PHONE);
    expect(other).toBe('END Aucun rendez-vous a venir pour ce numero.');
    expect(await reply(node, '2')).not.toContain(reference);
    expect(await reply(node, '2', 'not-a-number')).toBe("END Votre numero de telephone n'a pas pu etre lu.");
    expect(await reply(node, '0*2', 'not-a-number')).toBe('END E lingbi ti diko numero ti mo pepe.');
  });
});

describe('USSD menu: fees and hours', () => {
  it('lists the services a page at a time and tells the fees of the one chosen', async () => {
    const node = await ussdNode();
    const services = listServices(node.store, 'fr');
    const first = await reply(node, '3');
    expect(first).toMatch(/^CON Tarifs - choisissez:\n1 /);
    expect(first).toMatch(/\n0 Suite\n00 Menu$/);
    const [chosen] = services;
    const amounts = chosen?.fees.map((fee) => formatAmount(fee.amountMinor, fee.currency)) ?? [];
    expect(amounts.some((amount) => amount.endsWith(' XAF'))).toBe(true);
    expect(await reply(node, '3*1')).toBe(`END Tarifs ${chosen?.name}:\n${amounts.join('\n')}`);
    const seen: number[] = [];
    let text = '3';
    for (let page = 0; page < services.length; page++, text += '*0') {
      const screen = await reply(node, text);
      seen.push(...[...screen.matchAll(/^(\d+) (?!Suite|Menu)/gm)].map((match) => Number(match[1])));
      if (!screen.includes('\n0 Suite\n')) break;
    }
    expect(seen).toEqual(services.map((_, index) => index + 1));
    const last = services.length;
    expect(await reply(node, `${text}*${last}`)).toMatch(/^END Tarifs /);
    expect(await reply(node, `3*${last}`)).toMatch(/^CON Choix invalide\.\nTarifs - choisissez:/);
  });

  it('tells fees in Sango, and cuts long Sango names to fit the screen', async () => {
    const node = await ussdNode();
    const long = 'Mbëtï ti sû ïrï na konsulâ ti Bêafrîka na ködörö ti mbênî zo — ngâ na kârâte '.repeat(4);
    addService(node, { fr: 'Service au nom tres long '.repeat(6), sg: long }, [
      { amountMinor: 1_250_000, currency: 'XAF' },
    ]);
    const last = listServices(node.store, 'sg').length;
    let text = '0*3';
    while (!(await reply(node, text)).includes(`\n${last} `)) text += '*0';
    const page = await reply(node, text);
    expect(page).toContain(`\n${last} Mbeti ti su iri na konsula ti Beafrika.\n`);
    const fees = await reply(node, `${text}*${last}`);
    expect(fees).toMatch(/^END Ngere ti Mbeti ti su iri na konsula /);
    expect(fees).toMatch(/\n1250000 XAF$/);
    expectScreen(fees);
  });

  it("tells the mission's hours, days grouped, and the next closure", async () => {
    const node = await ussdNode();
    addClosure(node.store, { firstDay: '2026-03-05', lastDay: '2026-03-05', reason: 'Fête locale' });
    expect(await reply(node, '4')).toBe(
      'END Horaires (heure locale):\nLun-Jeu 09:00-12:30, 14:00-16:30\nVen 09:00-12:30\nFerme le 05/03.',
    );
    expect(await reply(node, '0*4')).toBe(
      'END Ngbonga ti kua:\nBikua-oko-Bikua-usio 09:00-12:30, 14:00-16:30\nBikua-oku 09:00-12:30\n' +
        'Konsula a kanga lango 05/03.',
    );
  });
});
