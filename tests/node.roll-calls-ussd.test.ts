import { afterEach, describe, expect, it } from 'vitest';
import type { Domain } from '../node/services/domain.js';
import type { TestNode } from './_util/node-app.js';
import { buildUssdNode, CAR_PHONE, expectScreen, OTHER_PHONE, PHONE, reply } from './_util/ussd.js';

const nodes: TestNode[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.cleanup();
});

function register(domain: Domain, givenNames: string, phone: string): string {
  const registration = domain.registrations.submit(
    {
      person: {
        givenNames,
        familyName: 'Kossi',
        phone,
        address: '3 rue de Bangui, Paris',
        birthDate: '1988-01-01',
      },
      channel: 'counter',
      census: { languages: [] },
      consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
    },
    'agent:amina',
  );
  domain.registrations.verify(registration.id, 'agent:amina');
  return registration.personId;
}

const MESSAGE = {
  fr: 'Inondations dans le 13e arrondissement. Etes-vous en securite ? Le consulat est ouvert toute la nuit pour vous.',
  sg: 'Ngu asua na 13e arrondissement. Mo yeke na siriri ? Konsula ayeke zi na bi kue.',
  en: 'Floods in the 13th arrondissement. Are you safe?',
};

/** A USSD node with a household of two on PHONE, one national on CAR_PHONE, and an open roll-call. */
async function ussdWithRollCall() {
  const node = await buildUssdNode();
  nodes.push(node);
  const people = {
    mother: register(node.domain, 'Odette', PHONE),
    son: register(node.domain, 'Jean', '06 12 34 56 78'),
    sango: register(node.domain, 'Gervais', CAR_PHONE),
  };
  const outcome = node.domain.rollCalls.start(
    {
      title: 'Consulat RCA',
      message: MESSAGE,
      zone: { all: true },
      endsAt: new Date(node.now().getTime() + 6 * 3_600_000).toISOString(),
    },
    { actor: 'consul:kossi' },
  );
  if (outcome.dryRun) throw new Error('a dry run');
  return { node, people, id: outcome.id };
}

function statusOf(node: TestNode, id: string, personId: string) {
  return node.domain.rollCalls.people(id, { personId })[0];
}

describe('USSD menu: a roll-call open for the caller', () => {
  it('heads the main menu with the roll-call, the usual entries following it', async () => {
    const { node } = await ussdWithRollCall();
    const body = await reply(node, '');
    expectScreen(body);
    expect(body).toBe(
      'CON Consulat RCA\n1 Appel de securite: repondre\n2 Suivi de dossier\n3 Mon prochain RDV\n4 Tarifs des services\n5 Horaires\n0 Sango',
    );
    expect(await reply(node, '5')).toMatch(/^END Horaires/);
    expect(await reply(node, '', CAR_PHONE)).toMatch(
      /^CON Konsula ti Beafrika\n1 Hunda ti siriri: kiri tene\n/,
    );
  });

  it('shows no entry to a caller no roll-call reached', async () => {
    const { node } = await ussdWithRollCall();
    expect(await reply(node, '', OTHER_PHONE)).toMatch(/^CON Consulat RCA\n1 Suivi de dossier\n/);
  });

  it('asks the roll-call’s question with three answers, in one screen', async () => {
    const { node } = await ussdWithRollCall();
    const body = await reply(node, '1');
    expectScreen(body);
    expect(body).toMatch(/^CON Consulat RCA: Inondations dans le 13e/);
    expect(body).toMatch(/\n1 En securite\n2 Besoin d'aide\n3 Hors de la zone\n00 Menu$/);
    const sango = await reply(node, '1', CAR_PHONE);
    expectScreen(sango);
    expect(sango).toMatch(/^CON Consulat RCA: Ngu asua/);
    expect(await reply(node, '1*00')).toMatch(/^CON Consulat RCA\n1 Appel de securite/);
  });

  it('records the answer for everyone registered with the phone, channel ussd, the last winning', async () => {
    const { node, people, id } = await ussdWithRollCall();
    const thanks = await reply(node, '1*2');
    expectScreen(thanks);
    expect(thanks).toBe(
      'END Merci, votre reponse est enregistree pour les personnes de ce numero.\nLe consulat voit votre demande. En danger immediat, appelez les secours.',
    );
    for (const personId of [people.mother, people.son])
      expect(statusOf(node, id, personId)).toMatchObject({ status: 'need_help', answerChannel: 'ussd' });
    expect(statusOf(node, id, people.sango)?.status).toBe('no_answer');
    // The gateway replaying the same callback records nothing more.
    const audited = () =>
      node.store.db.prepare("SELECT count(*) FROM audit_log WHERE actor = 'ussd'").pluck().get();
    expect(audited()).toBe(1);
    await reply(node, '1*2');
    expect(audited()).toBe(1);
    await reply(node, '1*1');
    expect(statusOf(node, id, people.son)?.status).toBe('safe');
    expect(node.domain.rollCalls.get(id).counts).toMatchObject({ safe: 2, needHelp: 0 });
  });

  it('says an invalid answer is invalid and records nothing', async () => {
    const { node, id } = await ussdWithRollCall();
    expect(await reply(node, '1*7')).toMatch(/^CON Choix invalide\.\nConsulat RCA: /);
    expect(node.domain.rollCalls.get(id).counts.reached).toBe(0);
  });

  it('removes the entry once the roll-call is closed, and an answer then records nothing', async () => {
    const { node, id } = await ussdWithRollCall();
    node.domain.rollCalls.close(id, 'consul:kossi');
    expect(await reply(node, '')).toMatch(/^CON Consulat RCA\n1 Suivi de dossier\n/);
    await reply(node, '1*1');
    expect(node.domain.rollCalls.get(id).counts.reached).toBe(0);
  });
});
