import { describe, expect, it } from 'vitest';
import {
  ALL_PRESENCE_TOPICS,
  ALL_UP_TOPICS,
  downTopic,
  parseTopic,
  presenceTopic,
  TOPIC_ROOT,
  upTopic,
} from './topics.js';

describe('topics', () => {
  it('names each mission’s topics under the protocol root', () => {
    expect(upTopic('fr-paris')).toBe('econsulat/v1/m/fr-paris/up');
    expect(downTopic('cm-yaounde')).toBe('econsulat/v1/m/cm-yaounde/down');
    expect(presenceTopic('cm-yaounde')).toBe('econsulat/v1/m/cm-yaounde/presence');
  });

  it.each(['fr-paris', 'cm-yaounde', 'us-new-york', 'cd-kinshasa2'])(
    'parses the three topics of %s',
    (mission) => {
      expect(parseTopic(upTopic(mission))).toEqual({ missionId: mission, kind: 'up' });
      expect(parseTopic(downTopic(mission))).toEqual({ missionId: mission, kind: 'down' });
      expect(parseTopic(presenceTopic(mission))).toEqual({ missionId: mission, kind: 'presence' });
    },
  );

  it.each([
    ['the hub’s up wildcard', ALL_UP_TOPICS],
    ['the hub’s presence wildcard', ALL_PRESENCE_TOPICS],
    ['a multi-level wildcard', `${TOPIC_ROOT}/#`],
    ['a wildcard in the kind', `${TOPIC_ROOT}/fr-paris/+`],
    ['a wildcard after the kind', `${TOPIC_ROOT}/fr-paris/up/#`],
    ['a shared subscription', `$share/ingest/${TOPIC_ROOT}/fr-paris/up`],
    ['a broker system topic', '$SYS/broker/clients/connected'],
    ['another protocol version', 'econsulat/v2/m/fr-paris/up'],
    ['an extra level', `${TOPIC_ROOT}/fr-paris/up/extra`],
    ['a missing kind', `${TOPIC_ROOT}/fr-paris`],
    ['a trailing slash', `${TOPIC_ROOT}/fr-paris/`],
    ['an empty mission', `${TOPIC_ROOT}//up`],
    ['a leading slash', `/${TOPIC_ROOT}/fr-paris/up`],
    ['the hub as a mission', `${TOPIC_ROOT}/hub/up`],
    ['an upper-case mission', `${TOPIC_ROOT}/FR-paris/up`],
    ['a mission without its country', `${TOPIC_ROOT}/paris/up`],
    ['an unknown kind', `${TOPIC_ROOT}/fr-paris/sideways`],
    ['an upper-case kind', `${TOPIC_ROOT}/fr-paris/UP`],
    ['an empty topic', ''],
  ])('rejects %s', (_, topic) => {
    expect(parseTopic(topic)).toBeNull();
  });
});
