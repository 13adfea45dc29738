import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../node/db/store.js';
import { createRollCallService } from '../node/services/roll-calls/index.js';
import { initBenchMission, openMissionStore } from '../ops/bench/_mission.js';
import { seedNationals } from '../ops/bench/_roll-call-nationals.js';
import { ready } from '../protocol/index.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import {
  killLeftoverNodes,
  type NodeProcess,
  startNodeProcess,
  stopNodeProcess,
} from './_util/processes/node-cli.js';
import { SmsGatewayServer } from './_util/sms-gateway-server.js';

// A crisis roll-call on a real `econsulat node run`, through an operator's HTTP gateway that goes
// down (503) for a while mid-sending, and the node killed (SIGKILL) mid-sending then started again
// on the same data directory: every phone gets exactly one SMS.
//
// The size: the suite runs 2,000 nationals and a 30 s outage, the same faults at the same points
// (a fifth and half-way) and the same checks as the 10,000 and minute-long outage, which
// ROLL_CALL_FAULTS_FULL=1 runs (546 s when the dispatcher still waited 2 s after each pass of 50;
// it now follows a full pass at once, so the gateway sets the pace).
const FULL = process.env.ROLL_CALL_FAULTS_FULL === '1';
const NATIONALS = FULL ? 10_000 : 2_000;
const OUTAGE_MS = FULL ? 60_000 : 30_000;
const TEST_TIMEOUT_MS = FULL ? 900_000 : 300_000;
const GATEWAY_TOKEN = 'faults-gateway-token-0123456789';
/** Bounds for conditions polled on a loaded 2-core machine: a safety net, not a measure. */
const WAIT = { timeout: TEST_TIMEOUT_MS, interval: 200 };

async function useHttpGateway(configPath: string, url: string): Promise<void> {
  const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  config.sms = { gateway: 'http', url, token: GATEWAY_TOKEN };
  config.logLevel = 'warn';
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
}

function startRollCall(store: Store): string {
  const outcome = createRollCallService({ store }).start(
    {
      title: 'Consulat RCA',
      message: {
        fr: 'Manifestations a Paris ce soir. Etes-vous en securite ?',
        sg: 'Aye na Paris la so. Mo yeke na siriri ?',
        en: 'Unrest in Paris tonight. Are you safe?',
      },
      zone: { all: true },
      endsAt: new Date(Date.now() + 6 * 3_600_000).toISOString(),
    },
    { actor: 'consul:kossi' },
  );
  if (outcome.dryRun) throw new Error('a dry run');
  return outcome.id;
}

interface OutboxState {
  readonly rows: number;
  readonly sent: number;
  readonly attempts: number;
  readonly phonesWithSms: number;
}

function outboxOf(store: Store, rollCallId: string): OutboxState {
  return store.db
    .prepare(
      `SELECT count(*) AS rows, coalesce(sum(state = 'sent'), 0) AS sent, coalesce(sum(attempts), 0) AS attempts,
         (SELECT count(DISTINCT sms_id) FROM roll_call_phones WHERE roll_call_id = ?) AS phonesWithSms
       FROM sms_outbox WHERE purpose = 'roll_call' AND ref = ?`,
    )
    .get(rollCallId, rollCallId) as OutboxState;
}

describe('a roll-call through gateway outages and a crash of the node', () => {
  let temp: TempDir | undefined;
  let gateway: SmsGatewayServer | undefined;
  beforeAll(ready);
  afterEach(async () => {
    await killLeftoverNodes();
    await gateway?.stop();
    await temp?.cleanup();
    temp = gateway = undefined;
  });

  it(
    `sends each of ${NATIONALS.toLocaleString('en-US')} phones exactly one SMS across a gateway outage and a kill -9`,
    async () => {
      temp = await makeTempDir('econsulat-roll-call-faults-');
      gateway = new SmsGatewayServer(GATEWAY_TOKEN);
      const gatewayUrl = await gateway.start();
      const { config, configPath } = await initBenchMission(temp.dir);
      await useHttpGateway(configPath, gatewayUrl);
      const setup = await openMissionStore(config);
      const phones = await seedNationals(setup, config, NATIONALS);
      const rollCallId = startRollCall(setup);
      expect(outboxOf(setup, rollCallId)).toMatchObject({
        rows: NATIONALS,
        sent: 0,
        phonesWithSms: NATIONALS,
      });
      setup.close();

      const server = gateway;
      const delivered = () => server.delivered.size;
      let node: NodeProcess = await startNodeProcess(configPath);

      // The gateway fails a fifth of the way through, for a while, then comes back.
      await expect.poll(delivered, WAIT).toBeGreaterThanOrEqual(NATIONALS / 5);
      server.down = true;
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      const duringOutage = delivered();
      server.down = false;
      expect(server.answered(503)).toBeGreaterThan(0);

      // Half-way, the node is killed as a power cut would, and started again on its data.
      await expect.poll(delivered, WAIT).toBeGreaterThanOrEqual(NATIONALS / 2);
      node.process.kill('SIGKILL');
      expect(await node.exited).toBe('SIGKILL');
      const atKill = delivered();
      expect(atKill).toBeLessThan(NATIONALS);
      node = await startNodeProcess(configPath);

      await expect.poll(delivered, WAIT).toBe(NATIONALS);
      // Time for a stray second SMS to show, were the node to send one: two dispatcher passes.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      expect(await stopNodeProcess(node)).toBe(0);

      const perPhone = server.deliveredPerPhone();
      expect(perPhone.size).toBe(NATIONALS);
      expect([...perPhone.values()].every((count) => count === 1)).toBe(true);
      expect(phones.every((phone) => perPhone.get(phone) === 1)).toBe(true);
      // Each SMS names the national registered with its phone.
      const texts = new Map([...server.delivered.values()].map(({ to, text }) => [to, text]));
      expect(phones.every((phone, n) => texts.get(phone)?.includes(`Ndjadder ${n}`))).toBe(true);
      expect(server.answered(401)).toBe(0);
      // Nothing was delivered while the gateway was down but what it had accepted before.
      expect(duringOutage).toBeLessThan(NATIONALS / 2);

      // What the node attempted: one accepted hand-over per SMS, but the one the kill may have cut
      // between the gateway's answer and the outbox's record of it, sent again under its key; and
      // each refusal of the outage recorded as a failed attempt, to be tried again.
      const check = await openMissionStore(config);
      const outbox = outboxOf(check, rollCallId);
      check.close();
      const accepted = server.answered(202);
      const refused = server.answered(503);
      expect(outbox).toMatchObject({ rows: NATIONALS, sent: NATIONALS, phonesWithSms: NATIONALS });
      expect(accepted - NATIONALS).toBeGreaterThanOrEqual(0);
      expect(accepted - NATIONALS).toBeLessThanOrEqual(1);
      expect(outbox.attempts).toBe(NATIONALS + refused);
      expect(server.requests.length).toBe(accepted + refused);
      expect(server.requests.every((request) => request.key !== undefined)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );
});
