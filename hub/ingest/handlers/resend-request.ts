import type { RESEND_REQUEST } from '../../../protocol/index.js';
import { acknowledgeOutbound, keptFrom } from '../../services/outbound.js';
import type { Handler } from './handler.js';

/**
 * resend.request → the stored envelopes from `from` on, byte for byte, for the caller to publish.
 * A receiver asks only from its applied position + 1, so what precedes `from` is acknowledged.
 */
export const handleResendRequest: Handler<typeof RESEND_REQUEST> = async (tx, body, { missionId, now }) => {
  await acknowledgeOutbound(tx, missionId, body.from - 1, now);
  // Kept envelopes, acknowledged before or not: a mission that went back asks for them again.
  return { resend: await keptFrom(tx, missionId, body.from) };
};
