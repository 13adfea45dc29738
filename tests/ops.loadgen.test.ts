import { describe, expect, it } from 'vitest';
import { runLoadgen } from '../ops/loadgen/loadgen.js';
import { announceSkip, testDatabaseUrl, testMqttUrl } from './_util/services.js';

const runnable = testDatabaseUrl !== undefined && testMqttUrl !== undefined;
if (!runnable) announceSkip('econsulat loadgen', 'TEST_DATABASE_URL and TEST_MQTT_URL');

describe.runIf(runnable)('econsulat loadgen', () => {
  it('has two hub processes catch up simulated missions’ backlog and take their traffic, every event applied once', async () => {
    const report = await runLoadgen({
      missions: 4,
      processes: 2,
      backlog: 50,
      seconds: 10,
      // About two events a second from the four: enough for figures, little for a shared machine.
      scale: 60,
      databaseUrl: testDatabaseUrl as string,
      brokerUrl: testMqttUrl as string,
    });
    expect(report.sent).toBeGreaterThan(4 * 50 + 10);
    expect(report.catchUpSeconds).toBeGreaterThan(0);
    expect(report.applied).toBe(report.sent);
    expect(report.counted).toBe(report.sent);
    expect(report.lag.p99).toBeGreaterThan(0);
    expect(report.lag.p50).toBeLessThanOrEqual(report.lag.p99);
    expect(report.cpuSeconds).toHaveLength(2);
    expect(report.cpuMsPerEvent).toBeGreaterThan(0);
  }, 180_000);
});
