import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_MISSIONS } from '../ops/demo/demo-plan.js';
import { demoRegistrations, demoRegistryPersons } from '../ops/demo/demo-registry.js';
import { seedRegistrations } from '../ops/demo/seed-registry.js';
import { smsCallbackUrl } from '../ops/demo/sms-callback-url.js';
import { buildTestNode, type TestNode } from './_util/node-app.js';

const nodes: TestNode[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.cleanup();
});

describe('demo: a roll-call reaches the registered nationals at once', () => {
  it('gives each seeded national one of the mission’s phones, so a roll-call has SMS to send', async () => {
    const node = await buildTestNode({ seed: false });
    nodes.push(node);
    const [paris] = DEMO_MISSIONS;
    const registrations = demoRegistrations(demoRegistryPersons(40))['fr-paris'] ?? [];
    seedRegistrations(node.domain, registrations, paris.phones);
    const outcome = node.domain.rollCalls.start(
      {
        title: 'Consulat RCA',
        message: { fr: 'Etes-vous en securite ?', sg: 'Mo yeke na siriri ?', en: 'Are you safe?' },
        zone: { all: true },
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        dryRun: true,
      },
      { actor: 'consul:demo' },
    );
    expect(outcome).toEqual({
      dryRun: true,
      reach: {
        people: registrations.length,
        phones: paris.phones.length,
        sms: paris.phones.length,
        withoutPhone: 0,
      },
    });
  });

  it('names the SMS callback as the gateway calls it, its token in the query', () => {
    expect(smsCallbackUrl('http://127.0.0.1:8081', 'tok en&1')).toBe(
      'http://127.0.0.1:8081/api/v1/sms/inbound?token=tok+en%261',
    );
    expect(smsCallbackUrl('https://proxy.example/paris/', 't0k3n')).toBe(
      'https://proxy.example/paris/api/v1/sms/inbound?token=t0k3n',
    );
  });
});
