import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NodeConfig } from '../node/config/config.js';
import type { Store } from '../node/db/store.js';
import { immediateTransaction } from '../node/db/transaction.js';
import { createDomain } from '../node/services/domain.js';
import { createRollCallService } from '../node/services/roll-calls/index.js';
import { initBenchMission, openMissionStore } from '../ops/bench/_mission.js';
import { ready } from '../protocol/index.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import {
  killLeftoverNodes,
  type NodeProcess,
  startNodeProcess,
  stopNodeProcess,
} from './_util/processes/node-cli.js';

// Answers by every channel through `econsulat node run` as a gateway and a phone reach it: the
// inbound SMS callback, the USSD callback and the web link of the SMS, over real sockets. The same
// rules per channel are tested in process (node.roll-calls*.test.ts, portal.roll-call.test.ts,
// node.backoffice.roll-calls.test.ts); here they meet on one roll-call and one running node.

const GATEWAY_TOKEN = 'running-node-gateway-token-0123456789';
const FAMILY = '+33622222222';
const ALONE = '+33611111111';
const WRITER = '+33633333333';
const STRANGER = '+33699999999';
const ANY_SCRIPT = '<script>alert(1)</script> نحن بخير 我很安全 🙏 & "ça va"';
const WAIT = { timeout: 60_000, interval: 200 };

async function configure(configPath: string): Promise<void> {
  const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, Record<string, unknown>>;
  config.http = { ...config.http, publicUrl: 'https://paris.consulat-rca.example' };
  config.ussd = {
    token: GATEWAY_TOKEN,
    perPhonePerMinute: 600,
    perSessionPerMinute: 600,
    perAddressPerMinute: 100_000,
  };
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
}

/** Two people on one phone, two alone, registered at the counter. */
function registerNationals(store: Store, config: NodeConfig) {
  const domain = createDomain(store, config);
  const register = (givenNames: string, familyName: string, phone: string) => {
    const registration = domain.registrations.submit(
      {
        person: { givenNames, familyName, birthDate: '1988-01-01', phone, address: '3 rue Lepic, Paris' },
        channel: 'counter',
        census: { languages: ['fr'] },
        consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
      },
      'agent:amina',
    );
    domain.registrations.verify(registration.id, 'agent:amina');
    domain.registrations.activate(registration.id, 'consul:kossi');
    return registration.personId;
  };
  const people = immediateTransaction(store.db, () => ({
    mother: register('Odette', 'Kossi', FAMILY),
    son: register('Jean', 'Kossi', '06 22 22 22 22'),
    alone: register('Awa', 'Ndjadder', ALONE),
    writer: register('Prisca', 'Namsène', WRITER),
  }));
  return { people, close: () => domain.close() };
}

function startRollCall(store: Store): string {
  const outcome = createRollCallService({ store, publicUrl: 'https://paris.consulat-rca.example' }).start(
    {
      title: 'Consulat RCA',
      message: { fr: 'Etes-vous en securite ?', sg: 'Mo yeke na siriri ?', en: 'Are you safe?' },
      zone: { all: true },
      endsAt: new Date(Date.now() + 6 * 3_600_000).toISOString(),
    },
    { actor: 'consul:kossi' },
  );
  if (outcome.dryRun) throw new Error('a dry run');
  return outcome.id;
}

/** The roll-call links the node's file gateway wrote, by phone. */
async function linksSent(smsFile: string): Promise<Map<string, string>> {
  const text = await readFile(smsFile, 'utf8').catch(() => '');
  const links = new Map<string, string>();
  for (const line of text.split('\n').filter(Boolean)) {
    const sms = JSON.parse(line) as { to: string; text: string };
    const path = /https:\/\/paris\.consulat-rca\.example(\/r\/\S+)/.exec(sms.text)?.[1];
    if (path) links.set(sms.to, path);
  }
  return links;
}

function gatewayPost(node: NodeProcess, path: string, form: Record<string, string>) {
  return fetch(`${node.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Bearer ${GATEWAY_TOKEN}`,
    },
    body: new URLSearchParams(form).toString(),
  });
}

let gatewayIds = 0;
async function sms(node: NodeProcess, from: string, text: string, id = `ATXid_${++gatewayIds}`) {
  const response = await gatewayPost(node, '/api/v1/sms/inbound', { from, to: '38100', text, id });
  expect(response.status).toBe(200);
  return (await response.json()) as { received: boolean; duplicate: boolean };
}

let sessions = 0;
async function ussd(node: NodeProcess, phoneNumber: string, text: string): Promise<string> {
  const response = await gatewayPost(node, '/ussd', {
    sessionId: `ATUid_${++sessions}`,
    serviceCode: '*384*1234#',
    phoneNumber,
    networkCode: '20801',
    text,
  });
  expect(response.status).toBe(200);
  return response.text();
}

/** A phone's browser on the link: its cookies and the page's CSRF token carried to the post. */
class Browser {
  #cookies = new Map<string, string>();
  #page = '';

  constructor(private readonly node: NodeProcess) {}

  async get(path: string): Promise<Response> {
    return this.#keep(await fetch(`${this.node.url}${path}`, { headers: this.#cookie() }));
  }

  async post(path: string, fields: Record<string, string>): Promise<Response> {
    const csrf = /name="_csrf" value="([^"]+)"/.exec(this.#page)?.[1] ?? '';
    return this.#keep(
      await fetch(`${this.node.url}${path}`, {
        method: 'POST',
        headers: { ...this.#cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
        redirect: 'manual',
      }),
    );
  }

  #cookie(): Record<string, string> {
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return cookie ? { cookie } : {};
  }

  async #keep(response: Response): Promise<Response> {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      this.#cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    this.#page = await response.clone().text();
    return response;
  }
}

describe('roll-call answers by every channel through a running node', () => {
  let temp: TempDir | undefined;
  beforeAll(ready);
  afterEach(async () => {
    await killLeftoverNodes();
    await temp?.cleanup();
    temp = undefined;
  });

  it('records each person once by SMS, USSD and web link, the last answer winning, and keeps the rest aside as sent', async () => {
    temp = await makeTempDir('econsulat-roll-call-channels-');
    const { config, configPath } = await initBenchMission(temp.dir);
    await configure(configPath);
    const setup = await openMissionStore(config);
    const seeded = registerNationals(setup, config);
    await seeded.close();
    const { people } = seeded;
    const id = startRollCall(setup);
    setup.close();

    let node = await startNodeProcess(configPath);
    const smsFile = join(config.dataDir, 'sms-outbox.jsonl');
    await expect.poll(async () => (await linksSent(smsFile)).size, WAIT).toBe(3);
    const links = await linksSent(smsFile);

    // SMS: "1 " for the household, the gateway's retry of it counted once; "ok"; free text in any
    // script; a phone no roll-call reached.
    expect(await sms(node, FAMILY, '1 ', 'ATXid_family')).toEqual({ received: true, duplicate: false });
    expect(await sms(node, FAMILY, '1 ', 'ATXid_family')).toEqual({ received: true, duplicate: true });
    expect(await sms(node, '06 11 11 11 11', 'ok')).toMatchObject({ duplicate: false });
    await sms(node, WRITER, ANY_SCRIPT);
    await sms(node, STRANGER, '1');
    // USSD from the household's phone, after its SMS: the last answer wins.
    expect(await ussd(node, FAMILY, '1*2')).toMatch(/^END Merci/);
    // The web link of the one alone: help, then safe; and the writer's link answering for her.
    const alone = new Browser(node);
    const aloneLink = links.get(ALONE) ?? '';
    expect((await alone.get(aloneLink)).status).toBe(200);
    expect((await alone.post(aloneLink, { person: '0', status: 'need_help' })).status).toBe(200);
    expect((await alone.post(aloneLink, { person: '0', status: 'safe' })).status).toBe(200);
    const writer = new Browser(node);
    const writerLink = links.get(WRITER) ?? '';
    await writer.get(writerLink);
    expect((await writer.post(writerLink, { person: '0', status: 'not_in_zone' })).status).toBe(200);
    expect(await stopNodeProcess(node)).toBe(0);

    let store = await openMissionStore(config);
    let rollCalls = createRollCallService({ store });
    const status = (personId: string) => rollCalls.people(id, { personId })[0];
    expect(status(people.mother)).toMatchObject({ status: 'need_help', answerChannel: 'ussd' });
    expect(status(people.son)).toMatchObject({ status: 'need_help', answerChannel: 'ussd' });
    expect(status(people.alone)).toMatchObject({ status: 'safe', answerChannel: 'web' });
    expect(status(people.writer)).toMatchObject({ status: 'not_in_zone', answerChannel: 'web' });
    expect(rollCalls.get(id).counts).toMatchObject({
      reached: 4,
      safe: 1,
      needHelp: 2,
      notInZone: 1,
      noAnswer: 0,
    });
    const inbound = () =>
      store.db
        .prepare('SELECT gateway_id AS id, disposition FROM roll_call_inbound ORDER BY received_at, rowid')
        .all();
    expect(inbound()).toHaveLength(4);
    expect(inbound()).toContainEqual({ id: 'ATXid_family', disposition: 'answer' });
    // Kept aside as sent: the free text in any script, and the phone no roll-call reached.
    expect(rollCalls.replies(id)).toEqual([expect.objectContaining({ from: WRITER, text: ANY_SCRIPT })]);
    expect(inbound()).toContainEqual(expect.objectContaining({ disposition: 'unknown_phone' }));

    // Closed, the roll-call takes no more answers by any channel; a late SMS is kept aside.
    expect(rollCalls.close(id, 'consul:kossi')).toBe(true);
    store.close();
    node = await startNodeProcess(configPath);
    expect(await sms(node, FAMILY, '2')).toMatchObject({ duplicate: false });
    expect(await ussd(node, FAMILY, '')).not.toMatch(/Appel de securite/);
    await ussd(node, FAMILY, '1*1');
    const closedPage = await (await new Browser(node).get(`${aloneLink}?lang=fr`)).text();
    expect(closedPage).toContain('Cet appel de sécurité est terminé');
    expect(closedPage).not.toContain('<form method="post"');
    expect(await stopNodeProcess(node)).toBe(0);

    store = await openMissionStore(config);
    rollCalls = createRollCallService({ store });
    expect(status(people.mother)).toMatchObject({ status: 'need_help', answerChannel: 'ussd' });
    expect(status(people.alone)).toMatchObject({ status: 'safe', answerChannel: 'web' });
    expect(rollCalls.get(id).counts).toMatchObject({ safe: 1, needHelp: 2, notInZone: 1 });
    expect(inbound()).toHaveLength(5);
    expect(inbound().at(-1)).toMatchObject({ disposition: 'late' });
    store.close();
  }, 180_000);
});
