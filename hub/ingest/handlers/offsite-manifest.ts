import { type OFFSITE_MANIFEST, OFFSITE_STATUS } from '../../../protocol/index.js';
import { takeManifest } from '../../services/offsite/take-manifest.js';
import { sealAndHold } from '../../services/outbound.js';
import type { Handler } from './handler.js';

/**
 * offsite.manifest → the generation kept as pending (or refused), answered with an offsite.status
 * held on the channel like any message down: `missing` names what to send on the backup topic.
 */
export const handleOffsiteManifest: Handler<typeof OFFSITE_MANIFEST> = async (tx, body, context) => {
  const { missionId, now, parties } = context;
  if (!parties) return undefined;
  const status = await takeManifest(tx, body, { missionId, key: parties.mission, now }, context.offsite);
  const { envelope } = await sealAndHold(
    tx,
    parties.hub,
    parties.mission,
    OFFSITE_STATUS,
    status,
    now.getTime(),
  );
  return { resend: [envelope] };
};
