import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startBroker } from '../hub/broker/broker.js';
import { downHandlers } from '../node/link/handlers/index.js';
import { HubLink } from '../node/link/hub-connection.js';
import { heldCount } from '../node/link/link-store.js';
import { importEnrolment } from '../node/link/trust-material.js';
import { acknowledgeDirective, listDirectives } from '../node/services/directives/directives.js';
import { appendEvent, newEvent, outboxBacklog } from '../node/services/outbox/outbox.js';
import { Identity, ready, TrustStore } from '../protocol/index.js';
import { enrolmentBundleFor, testLinkContext } from './_util/enrolment.js';
import { bookedData } from './_util/event-data.js';
import { openTempStore, type TempStore } from './_util/node-store.js';
import { ReferenceHub } from './_util/reference-hub.js';

let broker: EmbeddedBroker | undefined;
let temp: TempStore | undefined;
let link: HubLink | undefined;
let hubPeer: ReferenceHub | undefined;

afterEach(async () => {
  await link?.stop();
  await hubPeer?.close();
  await broker?.close();
  await temp?.cleanup();
  link = hubPeer = broker = temp = undefined;
});

async function setUp() {
  const hub = Identity.generate('hub');
  const mission = Identity.generate('fr-paris');
  const trust = new TrustStore();
  for (const identity of [hub, mission]) {
    trust.trust({ identity: identity.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
  }
  broker = await startBroker({ host: '127.0.0.1', port: 0, trust, events: { refused: () => {} } });
  temp = await openTempStore();
  const material = importEnrolment(temp.store, mission, enrolmentBundleFor(hub, mission));
  const ctx = testLinkContext(temp.store, mission, material);
  hubPeer = new ReferenceHub(hub, trust);
  await hubPeer.connect(`mqtt://127.0.0.1:${broker.port}`);
  link = new HubLink(ctx, downHandlers(), { url: `mqtt://127.0.0.1:${broker.port}`, window: 2 });
  return { ctx, hubPeer, link };
}

function eventsReceived(peer: ReferenceHub): string[] {
  return peer.received.flatMap((message) =>
    message.type === 'events.batch' ? message.body.events.map((event) => event.entityId) : [],
  );
}

describe('node link to the hub', () => {
  beforeAll(ready);

  it('delivers events queued while offline once connected, and marks them delivered on acknowledgement', async () => {
    const { ctx, hubPeer, link } = await setUp();
    for (let i = 0; i < 120; i++) {
      appendEvent(
        ctx.store,
        newEvent({
          kind: 'appointment.booked',
          entity: 'appointment',
          entityId: `RDV-${i}`,
          data: bookedData({ i }),
        }),
      );
    }
    link.start();
    await expect.poll(() => eventsReceived(hubPeer).length, { timeout: 10_000 }).toBe(120);
    expect(eventsReceived(hubPeer)).toEqual(Array.from({ length: 120 }, (_, i) => `RDV-${i}`));
    await expect.poll(() => outboxBacklog(ctx.store).count).toBe(0);
    await expect.poll(() => heldCount(ctx.store.db)).toBe(0);
  });

  it('applies a directive once, receipts it automatically, and sends the consul acknowledgement', async () => {
    const { ctx, hubPeer, link } = await setUp();
    link.start();
    await expect.poll(() => link.status().connected).toBe(true);
    const directiveId = crypto.randomUUID();
    const directive = {
      directiveId,
      title: { fr: 'Fermeture exceptionnelle' },
      body: { fr: 'Les missions fermeront le 1er décembre.' },
      priority: 'high' as const,
      target: 'all' as const,
      effectiveAt: new Date().toISOString(),
      requiresAck: true,
      issuedBy: 'Direction des affaires consulaires',
      issuedAt: new Date().toISOString(),
    };
    await hubPeer.sendDown('fr-paris', 'directive', directive);
    await expect.poll(() => hubPeer.received.some((m) => m.type === 'directive.receipt')).toBe(true);
    expect(listDirectives(ctx.store)).toHaveLength(1);
    expect(acknowledgeDirective(ctx.store, { directiveId, by: 'consul.paris' })).toBe('acknowledged');
    expect(acknowledgeDirective(ctx.store, { directiveId, by: 'consul.paris' })).toBe('already_acknowledged');
    link.kick();
    await expect.poll(() => hubPeer.received.filter((m) => m.type === 'directive.ack')).toHaveLength(1);
  });
});
