import { afterEach, expect, it } from 'vitest';
import { createHub, type MinistryHub } from '../hub/index.js';
import { hubSecretsKey } from '../hub/services/missions/hub-secrets-key.js';
import { bootstrapUser, totpCodeAt } from '../hub/services/users/index.js';
import type { HubLink } from '../node/link/hub-connection.js';
import { appendEvent, newEvent } from '../node/services/outbox/outbox.js';
import { HUB_ID, Identity, ready } from '../protocol/index.js';
import { describeWithChromium, type LaunchedChromium, launchChromium } from './_util/browser.js';
import { bookedData } from './_util/event-data.js';
import { throwawayHubConfig } from './_util/hub-fixtures.js';
import { type EnrolledMission, enrolMission, uniqueMissionId } from './_util/mission-link.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';

describeWithChromium('hub dashboards in Chromium', () => {
  let dir: TempDir | undefined;
  let hub: MinistryHub | undefined;
  let mission: EnrolledMission | undefined;
  let link: HubLink | undefined;
  let browser: LaunchedChromium | undefined;
  afterEach(async () => {
    await browser?.close();
    await link?.stop();
    await hub?.close();
    await mission?.node.cleanup();
    await dir?.cleanup();
    browser = link = hub = mission = dir = undefined;
  });

  it('updates every open dashboard within 2 s of an event reaching the hub', {
    timeout: 120_000,
  }, async () => {
    await ready();
    dir = await makeTempDir('econsulat-hub-web-');
    const identity = Identity.generate(HUB_ID);
    const config = throwawayHubConfig(dir.dir);
    hub = await createHub(config, identity);
    const { db, broker, changes } = hub.context;
    const user = await bootstrapUser(db, {
      username: 'directrice',
      displayName: 'Directrice des Centrafricains de l’étranger',
      roles: ['directorate'],
      secretsKey: hubSecretsKey(identity),
    });
    mission = await enrolMission(db, identity, uniqueMissionId('fr'));
    await hub.context.reloadTrust();
    const missionId = mission.identity.partyId;
    link = mission.link({ url: `mqtt://127.0.0.1:${broker?.port}`, reconnect: { baseMs: 100, maxMs: 1000 } });
    link.start();
    const base = await hub.start();

    browser = await launchChromium();
    const network = await browser.context.newPage();
    await network.goto(`${base}/web/tableau-de-bord`);
    expect(new URL(network.url()).pathname).toBe('/web/connexion');
    await network.fill('#username', 'directrice');
    await network.fill('#password', user.password);
    await network.fill('#totp', totpCodeAt(user.totpSecret, new Date()));
    await Promise.all([
      network.waitForURL(`${base}/web/tableau-de-bord`),
      network.click('button[type=submit]'),
    ]);
    expect(await network.textContent('#figure-booked')).toBe('0');
    expect(await network.locator('svg[role=img] > title').count()).toBe(3);
    const own = await browser.context.newPage();
    await own.goto(`${base}/web/missions/${missionId}`);
    expect(await own.textContent('#figure-booked')).toBe('0');
    // Both pages hold their socket before the event leaves the mission.
    await expect.poll(() => changes.size, { timeout: 10_000 }).toBe(2);

    const committed = new Promise<void>((resolve) => {
      const stop = changes.subscribe((notice) => {
        if (notice.missionId === missionId && notice.topic === 'events') {
          stop();
          resolve();
        }
      });
    });
    appendEvent(
      mission.node.store,
      newEvent({
        kind: 'appointment.booked',
        entity: 'appointment',
        entityId: 'RDV-1',
        data: bookedData(),
      }),
    );
    link.kick();
    await committed;
    for (const page of [network, own]) {
      await expect.poll(() => page.textContent('#figure-booked'), { timeout: 2_000, interval: 50 }).toBe('1');
    }
  });
});
