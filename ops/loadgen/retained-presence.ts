import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { presenceTopic } from '../../protocol/index.js';

/**
 * Removes the retained presence a broker keeps for each simulated mission (an empty retained
 * message deletes it). Left behind, thousands of them go to every later subscriber of `#` at once,
 * and a broker that queues at most so many messages per client drops the live ones behind them.
 */
export async function clearRetainedPresence(url: string, missionIds: readonly string[]): Promise<void> {
  const client = await mqtt.connectAsync(url, {
    clientId: `econsulat-clear-${randomBytes(4).toString('hex')}`,
    clean: true,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  try {
    for (const missionId of missionIds) {
      await client.publishAsync(presenceTopic(missionId), Buffer.alloc(0), { qos: 1, retain: true });
    }
  } finally {
    await client.endAsync();
  }
}
