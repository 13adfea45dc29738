import type { ACK } from '../../../protocol/index.js';
import { acknowledgeOutbound } from '../../services/outbound.js';
import type { Handler } from './handler.js';

/** ack → the hub's envelopes up to `upTo` are applied at the mission: stop holding them for resend. */
export const handleAck: Handler<typeof ACK> = async (tx, body, { missionId, now }) => {
  await acknowledgeOutbound(tx, missionId, body.upTo, now);
  return undefined;
};
