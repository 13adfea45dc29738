import { afterEach, expect, it } from 'vitest';
import { totpCodeAt } from '../hub/services/users/index.js';
import type { HubLink } from '../node/link/hub-connection.js';
import { appendEvent, newEvent } from '../node/services/outbox/outbox.js';
import { ready } from '../protocol/index.js';
import { describeWithChromium, type LaunchedChromium, launchChromium } from './_util/browser.js';
import { bookedData } from './_util/event-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { TEST_METRICS_TOKEN } from './_util/metrics-scrape.js';
import { type EnrolledMission, enrolMission, uniqueMissionId } from './_util/mission-link.js';
import {
  directorateUser,
  enrolMissions,
  forgetSessions,
  leaseHolders,
  pgUrlInSchema,
  startHubChild,
} from './_util/multi-hub.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import { killHard, killLeftoverChildren } from './_util/processes/spawn-child.js';
import { announceSkip, testDatabaseUrl, testMqttUrl } from './_util/services.js';
import { startTcpForwarder, type TcpForwarder } from './_util/tcp-forwarder.js';

if (!testDatabaseUrl || !testMqttUrl) {
  announceSkip('live dashboards across hub processes', 'TEST_DATABASE_URL and TEST_MQTT_URL');
}

describeWithChromium('a live dashboard across hub processes', () => {
  let store: TestStore | undefined;
  let temp: TempDir | undefined;
  let mission: EnrolledMission | undefined;
  let link: HubLink | undefined;
  let forwarder: TcpForwarder | undefined;
  let browser: LaunchedChromium | undefined;
  afterEach(async () => {
    await browser?.close();
    await forwarder?.close();
    await link?.stop();
    await killLeftoverChildren();
    if (mission && testMqttUrl)
      await forgetSessions(testMqttUrl, [mission.identity.partyId]).catch(() => undefined);
    await mission?.node.cleanup();
    await store?.dispose();
    await temp?.cleanup();
    browser = forwarder = link = mission = store = temp = undefined;
  });

  it.runIf(testDatabaseUrl && testMqttUrl)(
    'keeps updating when the process serving it is killed: the page reconnects through the proxy to another, with the same session',
    { timeout: 240_000 },
    async () => {
      await ready();
      const brokerUrl = testMqttUrl as string;
      const backend = storeBackends('live dashboards across hub processes').find((b) => b.name === 'pg');
      if (!backend) throw new Error('TEST_DATABASE_URL is set but no PostgreSQL backend was offered');
      store = await migratedStore(backend);
      const db = store.db;
      const [{ schema } = { schema: '' }] = await db.query<{ schema: string }>(
        'SELECT current_schema() AS schema',
      );
      temp = await makeTempDir('econsulat-multi-hub-web-');
      const setup = await enrolMissions(db, temp.dir, 0);
      mission = await enrolMission(db, setup.hub, uniqueMissionId('fr'));
      const user = await directorateUser(db, setup.hub);
      const start = () =>
        startHubChild({
          dataDir: setup.hubDir,
          databaseUrl: pgUrlInSchema(testDatabaseUrl as string, schema),
          brokerUrl,
          roles: ['ingest', 'web', 'jobs'],
          metricsToken: TEST_METRICS_TOKEN,
          leaseSeconds: 6,
          renewSeconds: 2,
        });
      const first = await start();
      const second = await start();
      forwarder = await startTcpForwarder([first, second].map((hub) => Number(new URL(hub.url).port)));
      const base = `http://127.0.0.1:${forwarder.port}`;

      link = mission.link({ url: brokerUrl, reconnect: { baseMs: 100, maxMs: 1000 } });
      link.start();
      const book = (index: number) => {
        appendEvent(
          (mission as EnrolledMission).node.store,
          newEvent({
            kind: 'appointment.booked',
            entity: 'appointment',
            entityId: `RDV-${index}`,
            data: bookedData(),
          }),
        );
        link?.kick();
      };

      browser = await launchChromium();
      const page = await browser.context.newPage();
      await page.goto(`${base}/web/tableau-de-bord`);
      await page.fill('#username', user.user.username);
      await page.fill('#password', user.password);
      await page.fill('#totp', totpCodeAt(user.totpSecret, new Date()));
      await Promise.all([page.waitForURL(`${base}/web/tableau-de-bord`), page.click('button[type=submit]')]);
      // The proxy sends everything to the first process while it lives.
      book(1);
      await expect
        .poll(() => page.textContent('#figure-booked'), { timeout: 30_000, interval: 100 })
        .toBe('1');

      await killHard(first.child);
      // The page's socket dropped with the process; its script reconnects, the proxy picks the second.
      book(2);
      await expect
        .poll(() => page.textContent('#figure-booked'), { timeout: 60_000, interval: 250 })
        .toBe('2');
      expect(new URL(page.url()).pathname).toBe('/web/tableau-de-bord');
      expect([...(await leaseHolders(db)).values()]).toEqual([second.holder]);
    },
  );
});
