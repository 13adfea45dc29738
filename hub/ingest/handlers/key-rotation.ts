import { CERTIFICATE_RENEWAL, type KEY_ROTATION } from '../../../protocol/index.js';
import { HubError } from '../../errors.js';
import { rotateMissionKeyIn } from '../../services/missions/rotate-key.js';
import { sealAndHold } from '../../services/outbound.js';
import type { Handler } from './handler.js';

/**
 * key.rotation → the new key certified and the old one superseded after this message's sequence,
 * in the ingest transaction; the certificate goes down as a certificate.renewal sealed to the old
 * key — the last message the hub ever seals to it, since the node holds nothing else yet.
 * A request that no longer applies (the same rotation already made by hand, a key not in force)
 * is taken as nothing, so that it never blocks the channel.
 */
export const handleKeyRotation: Handler<typeof KEY_ROTATION> = async (tx, body, context) => {
  const { missionId, now, seq, parties } = context;
  if (!parties || seq === undefined) return undefined;
  try {
    const rotation = await rotateMissionKeyIn(tx, parties.hub, missionId, body.rotation, {
      now,
      carriedAtSeq: seq,
      actor: 'mission',
    });
    const { envelope } = await sealAndHold(
      tx,
      parties.hub,
      parties.mission,
      CERTIFICATE_RENEWAL,
      { certificate: rotation.certificate },
      now.getTime(),
    );
    return { resend: [envelope] };
  } catch (error) {
    if (error instanceof HubError) return undefined;
    throw error;
  }
};
