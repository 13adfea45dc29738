import {
  ALL_BACKUP_TOPICS,
  ALL_PRESENCE_TOPICS,
  ALL_UP_TOPICS,
  backupAckTopic,
  backupTopic,
  downTopic,
  HUB_ID,
  parseTopic,
  presenceTopic,
  upTopic,
} from '../../protocol/index.js';

/**
 * The broker's access rules (DESIGN.md, MQTT topics), deny by default:
 * a mission publishes only to its own `up`, `presence` and `backup` and subscribes only to its own
 * `down` and `backup-ack`; the hub publishes to any mission's `down` and `backup-ack` and
 * subscribes to every `up`, `presence` and `backup`.
 */
export function canPublish(partyId: string, topic: string): boolean {
  if (partyId === HUB_ID) {
    const kind = parseTopic(topic)?.kind;
    return kind === 'down' || kind === 'backup-ack';
  }
  return topic === upTopic(partyId) || topic === presenceTopic(partyId) || topic === backupTopic(partyId);
}

/** Whether a party may subscribe to a topic filter. Wildcards are the hub's alone, and only these three. */
export function canSubscribe(partyId: string, filter: string): boolean {
  if (partyId === HUB_ID) {
    if (filter === ALL_UP_TOPICS || filter === ALL_PRESENCE_TOPICS || filter === ALL_BACKUP_TOPICS)
      return true;
    const kind = parseTopic(filter)?.kind;
    return kind === 'up' || kind === 'presence' || kind === 'backup';
  }
  return filter === downTopic(partyId) || filter === backupAckTopic(partyId);
}

/**
 * MQTT client ids: a mission connects as its own id (so a second connection replaces the first,
 * [MQTT-3.1.4-2]); hub processes connect as `hub` or `hub-<suffix>`.
 */
export function isClientIdAllowed(partyId: string, clientId: string): boolean {
  if (partyId === HUB_ID) return clientId === HUB_ID || /^hub-[A-Za-z0-9_-]{1,40}$/.test(clientId);
  return clientId === partyId;
}
