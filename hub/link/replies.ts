import {
  ACK,
  CHANNEL_RESYNC,
  HELLO,
  type Identity,
  type PublicIdentity,
  RESEND_REQUEST,
  seal,
} from '../../protocol/index.js';
import type { ControlReply } from '../ingest/ingest-types.js';

/** Seals a control message (ack, resend request, resync, hello) for a mission, with the timestamp the ingest gave it. */
export function sealReply(hub: Identity, mission: PublicIdentity, reply: ControlReply): Uint8Array {
  const common = { sender: hub, recipient: mission, seq: 0, timestamp: reply.timestamp };
  switch (reply.type) {
    case ACK:
      return seal({ ...common, type: reply.type, body: reply.body });
    case RESEND_REQUEST:
      return seal({ ...common, type: reply.type, body: reply.body });
    case CHANNEL_RESYNC:
      return seal({ ...common, type: reply.type, body: reply.body });
    case HELLO:
      return seal({ ...common, type: reply.type, body: reply.body });
  }
}
