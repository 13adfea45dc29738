import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ALL_BACKUP_TOPICS,
  ALL_PRESENCE_TOPICS,
  ALL_UP_TOPICS,
  backupAckTopic,
  backupTopic,
  downTopic,
  HUB_ID,
  hubBrokerPassword,
  type Identity,
  missionBrokerPassword,
  type PublicIdentity,
  presenceTopic,
  type TrustStore,
  upTopic,
} from '../../protocol/index.js';
import type { Queryable } from '../db/database.js';
import { loadTrustStore } from '../services/missions/trust-loader.js';

/** Mosquitto 2's default PBKDF2 iteration count (`mosquitto_passwd`). */
export const MOSQUITTO_PBKDF2_ITERATIONS = 101;
const SALT_BYTES = 12;
const HASH_BYTES = 64;

const HEADER = [
  '# Written by `econsulat hub broker-config` from the missions enrolled at the hub. Do not edit:',
  '# run the command again after each enrolment or revocation, then reload Mosquitto (SIGHUP).',
];

/** The two files an external Mosquitto needs, and which missions they admit. */
export interface MosquittoFiles {
  /** `password_file`: one `username:$7$…` line per party. */
  readonly passwords: string;
  /** `acl_file`: the access rules of DESIGN.md, per username. */
  readonly acl: string;
  /** Missions admitted, sorted. */
  readonly missions: readonly string[];
  /** Missions enrolled and not revoked that are still left out, with why. */
  readonly skipped: readonly { readonly missionId: string; readonly reason: string }[];
}

/**
 * A Mosquitto 2 password-file line: `username:$7$<iterations>$<base64 salt>$<base64 hash>` with
 * PBKDF2-HMAC-SHA512, a 12-byte salt and a 64-byte hash, the layout `mosquitto_passwd` writes.
 */
export function mosquittoPasswordLine(
  username: string,
  password: string,
  salt: Uint8Array = randomBytes(SALT_BYTES),
  iterations = MOSQUITTO_PBKDF2_ITERATIONS,
): string {
  if (/[:\s]/.test(username)) throw new TypeError('a Mosquitto username holds no colon or space');
  const hash = pbkdf2Sync(password, salt, iterations, HASH_BYTES, 'sha512');
  return `${username}:$7$${iterations}$${Buffer.from(salt).toString('base64')}$${hash.toString('base64')}`;
}

/**
 * The ACL file: each mission writes its own `up`, `presence` and `backup` and reads its own `down`
 * and `backup-ack`; the hub reads every `up`, `presence` and `backup` and writes every `down` and
 * `backup-ack`; anything not listed is denied.
 * Mosquitto 2's acl_file grants every SUBSCRIBE and checks read access on each message it delivers,
 * against the message's topic: the hub's `$share/<group>/…` subscription needs no rule of its own,
 * and a mission subscribed to another's `down` receives nothing.
 */
export function mosquittoAcl(missionIds: readonly string[]): string {
  const lines = [...HEADER, '', `user ${HUB_ID}`];
  lines.push(
    `topic read ${ALL_UP_TOPICS}`,
    `topic read ${ALL_PRESENCE_TOPICS}`,
    `topic read ${ALL_BACKUP_TOPICS}`,
    `topic write ${downTopic('+')}`,
    `topic write ${backupAckTopic('+')}`,
  );
  for (const id of missionIds) {
    lines.push('', `user ${id}`);
    lines.push(
      `topic write ${upTopic(id)}`,
      `topic write ${presenceTopic(id)}`,
      `topic write ${backupTopic(id)}`,
      `topic read ${downTopic(id)}`,
      `topic read ${backupAckTopic(id)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Builds both files from the hub's database: the missions not revoked whose certificate in force
 * still verifies, is not revoked by key and is valid at `now` (the rules the embedded broker
 * applies to tokens), each with the password derived from its public key; and the hub itself.
 */
export async function buildMosquittoFiles(
  db: Queryable,
  hub: Identity,
  now = Date.now(),
): Promise<MosquittoFiles> {
  const { trust } = await loadTrustStore(db, hub.toPublic());
  const rows = await db.query<{ id: string; key_id: string | null }>(
    `SELECT id, certificate->'subject'->>'keyId' AS key_id FROM missions WHERE revoked_at IS NULL ORDER BY id`,
  );
  const missions: string[] = [];
  const skipped: { missionId: string; reason: string }[] = [];
  const passwordLines = [...HEADER, mosquittoPasswordLine(HUB_ID, hubBrokerPassword(hub))];
  for (const { id, key_id: keyId } of rows) {
    const admitted = admissibleKey(trust, id, keyId, now);
    if ('reason' in admitted) {
      skipped.push({ missionId: id, reason: admitted.reason });
      continue;
    }
    missions.push(id);
    passwordLines.push(mosquittoPasswordLine(id, missionBrokerPassword(hub, admitted)));
  }
  return { passwords: `${passwordLines.join('\n')}\n`, acl: mosquittoAcl(missions), missions, skipped };
}

function admissibleKey(
  trust: TrustStore,
  missionId: string,
  keyId: string | null,
  now: number,
): PublicIdentity | { reason: string } {
  const key = keyId ? trust.lookup(missionId, keyId) : undefined;
  if (!key) return { reason: 'its certificate does not verify against this hub' };
  if (trust.revocation(key.identity.keyId)) return { reason: 'its key is revoked' };
  if (now < key.validFrom || now > key.validUntil) return { reason: 'its certificate is not valid now' };
  return key.identity;
}

/**
 * Writes `passwords` and `acl` into `dir` with mode 0600, each replaced in one rename so that a
 * broker reloading meanwhile reads the old file or the new one, never half of one.
 */
export async function writeMosquittoFiles(
  dir: string,
  files: Pick<MosquittoFiles, 'passwords' | 'acl'>,
): Promise<{ passwordFile: string; aclFile: string }> {
  await mkdir(dir, { recursive: true });
  const passwordFile = join(dir, 'passwords');
  const aclFile = join(dir, 'acl');
  await replaceFile(passwordFile, files.passwords);
  await replaceFile(aclFile, files.acl);
  return { passwordFile, aclFile };
}

async function replaceFile(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o600, flag: 'w' });
  // The mode given to writeFile applies only when the file is created.
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
