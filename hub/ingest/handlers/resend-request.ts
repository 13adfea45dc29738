import type { RESEND_REQUEST } from '../../../protocol/index.js';
import { unacknowledgedFrom } from '../../services/outbound.js';
import type { Handler } from './handler.js';

/** resend.request → the stored envelopes from `from` on, byte for byte, for the caller to publish. */
export const handleResendRequest: Handler<typeof RESEND_REQUEST> = async (tx, body, { missionId }) => ({
  resend: await unacknowledgedFrom(tx, missionId, body.from),
});
