import { describe, expect, it } from 'vitest';
import {
  ALL_BACKUP_TOPICS,
  ALL_UP_TOPICS,
  backupAckTopic,
  backupTopic,
  downTopic,
  presenceTopic,
  upTopic,
} from '../../protocol/index.js';
import { canPublish, canSubscribe } from './access.js';
import { mosquittoAcl } from './mosquitto-config.js';

describe('broker access rules, with the off-site backup topics', () => {
  it('lets a mission publish its own chunks and read its own acknowledgements, nobody else’s', () => {
    expect(canPublish('fr-paris', backupTopic('fr-paris'))).toBe(true);
    expect(canPublish('fr-paris', backupTopic('sn-dakar'))).toBe(false);
    expect(canPublish('fr-paris', backupAckTopic('fr-paris'))).toBe(false);
    expect(canSubscribe('fr-paris', backupAckTopic('fr-paris'))).toBe(true);
    expect(canSubscribe('fr-paris', backupAckTopic('sn-dakar'))).toBe(false);
    expect(canSubscribe('fr-paris', backupTopic('fr-paris'))).toBe(false);
    expect(canSubscribe('fr-paris', ALL_BACKUP_TOPICS)).toBe(false);
  });

  it('lets the hub read every mission’s chunks and acknowledge them, and publish nothing up', () => {
    expect(canSubscribe('hub', ALL_BACKUP_TOPICS)).toBe(true);
    expect(canSubscribe('hub', backupTopic('fr-paris'))).toBe(true);
    expect(canPublish('hub', backupAckTopic('fr-paris'))).toBe(true);
    expect(canPublish('hub', backupTopic('fr-paris'))).toBe(false);
    expect(canPublish('hub', upTopic('fr-paris'))).toBe(false);
  });

  it('keeps the link’s rules as they were', () => {
    expect(canPublish('fr-paris', upTopic('fr-paris'))).toBe(true);
    expect(canPublish('fr-paris', presenceTopic('fr-paris'))).toBe(true);
    expect(canPublish('fr-paris', downTopic('fr-paris'))).toBe(false);
    expect(canSubscribe('fr-paris', downTopic('fr-paris'))).toBe(true);
    expect(canSubscribe('hub', ALL_UP_TOPICS)).toBe(true);
    expect(canPublish('hub', downTopic('fr-paris'))).toBe(true);
  });

  it('writes the same rules for Mosquitto', () => {
    const acl = mosquittoAcl(['fr-paris']);
    expect(acl).toContain(`topic read ${ALL_BACKUP_TOPICS}`);
    expect(acl).toContain(`topic write ${backupAckTopic('+')}`);
    expect(acl).toContain(`topic write ${backupTopic('fr-paris')}`);
    expect(acl).toContain(`topic read ${backupAckTopic('fr-paris')}`);
  });
});
