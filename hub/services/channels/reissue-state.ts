import {
  CATALOGUE_UPDATE,
  CERTIFICATE_RENEWAL,
  DIRECTIVE,
  type MessageBody,
  type MessageType,
  REVOCATION_LIST,
} from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import { currentCatalogue } from '../catalogue/publish-catalogue.js';
import { DIRECTIVE_AS_BODY, directiveOfRow } from '../directives/remind-directives.js';
import { currentRevocationList } from '../missions/revocations.js';
import { sealAndHold } from '../outbound.js';
import type { ChannelContext } from './channel-positions.js';

/** True when the hub still keeps the envelope the mission needs next. */
export async function keepsFrom(tx: Queryable, missionId: string, seq: number): Promise<boolean> {
  const rows = await tx.query('SELECT 1 FROM outbound WHERE mission_id = $1 AND seq = $2', [missionId, seq]);
  return rows.length > 0;
}

/**
 * A mission went back further than the hub keeps what it sent (PROTOCOL.md, "Going back in time"):
 * instead of the envelopes it lost, the state in force is sealed again on its down channel — the
 * revocation list, its certificate, the catalogue, and the directives it was sent that have not
 * expired. Each is applied once in effect at the mission (by serial, version and directive id).
 * Returns the sequence the first of them takes (the mission takes up there) and how many there are.
 */
export async function reissueCurrentState(
  tx: Queryable,
  context: ChannelContext & { readonly parties: NonNullable<ChannelContext['parties']> },
): Promise<{ downFrom: number; sealed: number }> {
  const { missionId, now, parties } = context;
  const [channel] = await tx.query<{ next: number | string }>(
    'SELECT next_send_seq AS next FROM channels WHERE mission_id = $1',
    [missionId],
  );
  const downFrom = Number(channel?.next ?? 1);
  let sealed = 0;
  const seal = async <T extends MessageType>(type: T, body: MessageBody<T>) => {
    await sealAndHold(tx, parties.hub, parties.mission, type, body, now.getTime());
    sealed += 1;
  };
  await seal(REVOCATION_LIST, { list: await currentRevocationList(tx, parties.hub, now) });
  const [mission] = await tx.query<{ certificate: unknown }>(
    'SELECT certificate FROM missions WHERE id = $1',
    [missionId],
  );
  if (mission)
    await seal(CERTIFICATE_RENEWAL, {
      certificate: mission.certificate as MessageBody<typeof CERTIFICATE_RENEWAL>['certificate'],
    });
  const catalogue = await currentCatalogue(tx);
  if (catalogue) await seal(CATALOGUE_UPDATE, catalogue);
  const directives = await tx.query<{ body: Record<string, unknown> }>(
    `SELECT ${DIRECTIVE_AS_BODY} AS body FROM directive_status s JOIN directives d ON d.id = s.directive_id
      WHERE s.mission_id = $1 AND (d.expires_at IS NULL OR d.expires_at > $2) ORDER BY d.issued_at`,
    [missionId, now],
  );
  for (const row of directives) await seal(DIRECTIVE, directiveOfRow(row.body));
  return { downFrom, sealed };
}

/**
 * The mission holds an older certificate than the one in force (its database restored from before
 * a key rotation whose certificate came by bundle: it would seal nothing with its new key): the one
 * in force is sealed again, unless one is already on its way. Returns whether it sealed.
 */
export async function resendNewerCertificate(
  tx: Queryable,
  context: ChannelContext & { readonly parties: NonNullable<ChannelContext['parties']> },
  heldSerial: number,
): Promise<boolean> {
  const { missionId, now, parties } = context;
  const [mission] = await tx.query<{ certificate: MessageBody<typeof CERTIFICATE_RENEWAL>['certificate'] }>(
    'SELECT certificate FROM missions WHERE id = $1',
    [missionId],
  );
  if (!mission || mission.certificate.serial <= heldSerial) return false;
  const onItsWay = await tx.query(
    'SELECT 1 FROM outbound WHERE mission_id = $1 AND type = $2 AND acked_at IS NULL',
    [missionId, CERTIFICATE_RENEWAL],
  );
  if (onItsWay.length > 0) return false;
  await sealAndHold(tx, parties.hub, parties.mission, CERTIFICATE_RENEWAL, mission, now.getTime());
  return true;
}
