import { isMissionId } from './parties.js';

/** Root of every topic of this protocol version. */
export const TOPIC_ROOT = 'econsulat/v1/m';

/** Node → hub messages of one mission. */
export function upTopic(missionId: string): string {
  return `${TOPIC_ROOT}/${missionId}/up`;
}

/** Hub → node messages of one mission. */
export function downTopic(missionId: string): string {
  return `${TOPIC_ROOT}/${missionId}/down`;
}

/** Retained online/offline state of one mission, with a last will. */
export function presenceTopic(missionId: string): string {
  return `${TOPIC_ROOT}/${missionId}/presence`;
}

/** Wildcard the hub subscribes to for every mission's up topic. */
export const ALL_UP_TOPICS = `${TOPIC_ROOT}/+/up`;
/** Wildcard the hub subscribes to for every mission's presence. */
export const ALL_PRESENCE_TOPICS = `${TOPIC_ROOT}/+/presence`;

/** The kinds of per-mission topic: the link's, and the off-site backup's chunks and their acknowledgements. */
export type TopicKind = 'up' | 'down' | 'presence' | 'backup' | 'backup-ack';

const TOPIC_KINDS: ReadonlySet<string> = new Set<TopicKind>([
  'up',
  'down',
  'presence',
  'backup',
  'backup-ack',
]);

/** Splits a concrete topic into mission id and kind; null when it is not one of ours. */
export function parseTopic(topic: string): { missionId: string; kind: TopicKind } | null {
  const prefix = `${TOPIC_ROOT}/`;
  if (!topic.startsWith(prefix)) return null;
  const [missionId, kind, ...rest] = topic.slice(prefix.length).split('/');
  if (rest.length > 0 || !missionId || !isMissionId(missionId)) return null;
  if (kind === undefined || !TOPIC_KINDS.has(kind)) return null;
  return { missionId, kind: kind as TopicKind };
}

/** Presence payloads (retained). Plain text: the broker may show them, they carry no secret. */
export const PRESENCE_ONLINE = 'online';
export const PRESENCE_OFFLINE = 'offline';
