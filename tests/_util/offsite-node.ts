import { join } from 'node:path';
import { createOffsiteBackups, type OffsiteBackups } from '../../node/backup/offsite/offsite-service.js';
import { createFileService } from '../../node/services/files/file-service.js';
import {
  chunkAddress,
  decodeChunkFrame,
  Identity,
  joinAddresses,
  type OffsiteManifest,
  type OffsitePolicy,
  recoveryKeyId,
  sodium,
  splitAddresses,
  toBase64Url,
  toHex,
} from '../../protocol/index.js';
import { applicant, openMission } from './appointments.js';
import { fakeJpeg, fakePdf } from './scans.js';

/** A ministry recovery key pair and the policy that announces it. */
export function recoveryKeyPair() {
  const pair = sodium.crypto_box_keypair();
  const policy: OffsitePolicy = {
    recoveryKey: toBase64Url(pair.publicKey),
    recoveryKeyId: recoveryKeyId(pair.publicKey),
    maxBytesPerSecond: 50_000_000,
    issuedAt: '2026-03-01T00:00:00.000Z',
  };
  return { publicKey: pair.publicKey, secretKey: pair.privateKey, policy };
}

/**
 * A mission node's store with people, a file and scans (one over 1 MiB, so cut in two pieces), and
 * its off-site backups with a policy received.
 */
export async function offsiteMission(options: { people?: number; missionId?: string; photos?: number } = {}) {
  const m = await openMission();
  const missionId = options.missionId ?? 'fr-paris';
  const identity = Identity.generate(missionId);
  const recovery = recoveryKeyPair();
  addPeople(m, options.people ?? 20, 0);
  const files = createFileService({
    store: m.store,
    people: m.people,
    trackingPrefix: 'PAR',
    defaultRegion: 'FR',
  });
  const person = m.people.create(
    { givenNames: 'Faustin', familyName: 'Touadéra', phone: '+33 6 11 22 33 44' },
    'agent',
  );
  const file = files.open(
    { personId: person.id, serviceCode: 'passport-renewal', channel: 'counter' },
    'agent',
  );
  const scans = [
    { label: 'Passeport', contentType: 'application/pdf', bytes: fakePdf('Touadera passport PA556677') },
    { label: 'Photo', contentType: 'image/jpeg', bytes: fakeJpeg(1_500_000) },
    { label: 'Acte', contentType: 'image/jpeg', bytes: fakeJpeg(300_000) },
  ];
  for (let n = 0; n < (options.photos ?? 0); n++) {
    scans.push({ label: `Photo ${n}`, contentType: 'image/jpeg', bytes: fakeJpeg(1_500_000 + n) });
  }
  for (const scan of scans) await files.addDocument(file.id, scan, 'agent');
  const offsite = createOffsiteBackups({
    store: m.store,
    dataKey: m.dataKey,
    identity,
    identityKeyFile: identity.exportSecret(),
    dirs: { backups: join(m.dir, 'backups'), documents: join(m.dir, 'documents') },
  });
  offsite.setPolicy(recovery.policy);
  return { ...m, missionId, identity, recovery, offsite, files, file };
}

/** Adds `count` people (each a few rows: the person, its audit entry, its outbox event). */
export function addPeople(m: Awaited<ReturnType<typeof openMission>>, count: number, from: number): void {
  for (let n = from; n < from + count; n++) {
    const who = applicant(n + 1000);
    m.people.create({ givenNames: `Prénom${n}`, familyName: `Nom${n}`, phone: who.phone }, 'agent');
  }
}

/**
 * The hub's side of a transfer, in memory: it keeps chunks by address, answers a manifest with what
 * it lacks, takes the chunks the node sends, acknowledges them and declares the generation stored.
 * Returns the sealed bytes that had to travel.
 */
export async function transferToMemoryHub(
  offsite: OffsiteBackups,
  manifest: OffsiteManifest,
  held: Map<string, Uint8Array>,
): Promise<{ sentBytes: number; sentChunks: number }> {
  const missing = splitAddresses(manifest.chunks).filter((address) => !held.has(toHex(address)));
  let sentBytes = 0;
  let sentChunks = 0;
  if (missing.length > 0) {
    offsite.markStatus({
      state: 'missing',
      generation: manifest.generation,
      missing: joinAddresses(missing),
    });
    for (;;) {
      const next = offsite.nextChunksToSend(64);
      if (next.length === 0) break;
      for (const chunk of next) {
        const bytes =
          decodeChunkFrame(await offsite.chunkFrame(chunk.generation, chunk.address)) ?? new Uint8Array();
        if (toHex(chunkAddress(bytes)) !== toHex(chunk.address))
          throw new Error('chunk sent under a wrong address');
        held.set(toHex(chunk.address), bytes);
        sentBytes += bytes.length;
        sentChunks++;
      }
      offsite.markAcknowledged(
        manifest.generation,
        next.map((chunk) => chunk.address),
      );
    }
  }
  offsite.markStatus({
    state: 'stored',
    generation: manifest.generation,
    completedAt: new Date().toISOString(),
    bytes: manifest.bytes,
  });
  return { sentBytes, sentChunks };
}

/** A fetchChunk over the memory hub. */
export function fetchFrom(held: ReadonlyMap<string, Uint8Array>) {
  return async (address: Uint8Array) => held.get(toHex(address));
}
