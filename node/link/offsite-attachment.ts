import type mqtt from 'mqtt';
import { backupAckTopic, backupTopic, OFFSITE_MANIFEST } from '../../protocol/index.js';
import type { OffsiteBackups } from '../backup/offsite/offsite-service.js';
import { createOffsiteSender, type OffsiteSender } from '../backup/offsite/sender.js';
import type { Store } from '../db/store.js';
import { outboxBacklog } from '../services/outbox/outbox.js';
import { enqueueMessage, pendingCount } from '../services/outbox/pending-messages.js';
import { createFramePublisher, type FramePublisher } from './frame-publisher.js';
import type { LinkAttachment } from './link-attachment.js';
import { channelRow, heldCount } from './link-store.js';

/** The off-site sender on the link's connection. */
export interface OffsiteLink {
  readonly attachment: LinkAttachment;
  readonly sender: OffsiteSender;
  /** Packs a generation once the hub has sent a policy, and announces it (the nightly job). */
  packAndAnnounce(): Promise<unknown>;
  /** An offsite.status was applied: send what it names, or pack again when it says stale. */
  statusApplied(): void;
  /**
   * An offsite.policy was applied: a mission with no off-site backup yet (new, or newly given a
   * recovery key) packs its first one now rather than at the next night's backup, so HQ holds a
   * copy from its first day.
   */
  policyApplied(): void;
}

/** Where the off-site link reports what goes wrong in the background. */
export interface OffsiteLinkLog {
  error(error: unknown, message: string): void;
  warn(error: unknown, message: string): void;
}

/**
 * Wires the off-site sender to the link: its frames on the mission's backup topic, the hub's
 * acknowledgements from backup-ack, its manifest queued as an up message, and the live backlog it
 * gives way to.
 */
export function createOffsiteLink(options: {
  readonly store: Store;
  readonly offsite: OffsiteBackups;
  readonly missionId: string;
  /** Asks the link to send what was just queued. */
  readonly kick: () => void;
  readonly log?: OffsiteLinkLog;
}): OffsiteLink {
  const { store, missionId } = options;
  let frames: FramePublisher | undefined;
  const sender = createOffsiteSender({
    offsite: options.offsite,
    missionId,
    publish: (_topic, payload) =>
      frames?.publish(payload) ?? Promise.reject(new Error('no broker connection')),
    sendManifest: (manifest) => {
      if (manifestQueued(store)) return;
      enqueueMessage(store, OFFSITE_MANIFEST, manifest);
      options.kick();
    },
    liveBacklog: () => liveBacklog(store),
    onError: (error) => options.log?.error(error, 'off-site transfer failed: it resumes on the next status'),
    onAbandoned: () => repack(),
  });
  const attachment: LinkAttachment = {
    topics: [backupAckTopic(missionId)],
    attach(client: mqtt.MqttClient) {
      frames = createFramePublisher(client, backupTopic(missionId));
    },
    connected: () => sender.connected(),
    disconnected: () => sender.disconnected(),
    onMessage: (_topic, payload) => sender.onAckFrame(payload),
  };
  const packAndAnnounce = async () => {
    if (!options.offsite.policy()) return { skipped: 'no off-site policy from the hub yet' };
    const { generation, chunks, bytes } = await options.offsite.pack();
    sender.announce();
    return { generation, chunks, bytes };
  };
  let repacking: Promise<unknown> | undefined;
  function repack(): void {
    if (repacking) return;
    repacking = packAndAnnounce()
      .catch((error: unknown) => options.log?.error(error, 'off-site generation not packed again'))
      .finally(() => {
        repacking = undefined;
      });
  }
  const statusApplied = () => {
    sender.wake();
    // Refused as stale (this node was restored from an older local backup): the same data packed
    // again at once under a number past the hub's, rather than next night.
    if (options.offsite.isBehindHub()) repack();
    options.offsite
      .prune()
      .catch((error: unknown) => options.log?.warn(error, 'off-site snapshot not removed'));
  };
  const policyApplied = () => {
    if (options.offsite.lastStored() || options.offsite.transfer()) return;
    repack();
  };
  return { attachment, sender, packAndAnnounce, statusApplied, policyApplied };
}

/**
 * What waits for the link: envelopes not acknowledged, messages not sealed, events not sealed.
 * Chunks go only when all three are empty, so that they never delay a live message.
 */
export function liveBacklog(store: Store): number {
  const sealedUpTo = channelRow(store.db).sealed_outbox_seq;
  return heldCount(store.db) + pendingCount(store) + outboxBacklog(store, sealedUpTo).count;
}

// A manifest not sealed yet goes soon enough: a second copy would only cost the hub another
// answer. One sealed and unacknowledged is sent again by the link itself after a cut, but a newer
// generation's must not wait for it, so only the unsealed queue is looked at.
function manifestQueued(store: Store): boolean {
  return (
    store.db.prepare('SELECT count(*) FROM link_pending WHERE type = ?').pluck().get(OFFSITE_MANIFEST) !== 0
  );
}
