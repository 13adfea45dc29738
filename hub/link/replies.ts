import { type Identity, type PublicIdentity, seal } from '../../protocol/index.js';
import type { ControlReply } from '../ingest/ingest-types.js';

/** Seals an ack or resend request for a mission, with the timestamp the ingest gave it. */
export function sealReply(hub: Identity, mission: PublicIdentity, reply: ControlReply): Uint8Array {
  const common = { sender: hub, recipient: mission, seq: 0, timestamp: reply.timestamp };
  return reply.type === 'ack'
    ? seal({ ...common, type: reply.type, body: reply.body })
    : seal({ ...common, type: reply.type, body: reply.body });
}
