import { randomBytes } from 'node:crypto';
import type { Store } from '../../node/db/store.js';
import { transaction } from '../../node/db/transaction.js';
import { seedServices } from '../../node/services/catalogue/seed.js';
import { createFileService, type FileService } from '../../node/services/files/file-service.js';
import {
  createPeopleRepository,
  type PeopleRepository,
} from '../../node/services/people/people-repository.js';

const BATCH = 5_000;
/** A scanned page as the counter's scanner leaves it: a JPEG, which no compression shrinks. */
export const SCAN_BYTES = 1_500_000;

/** The mission's people and files services, as the bench's applicants are served. */
export function benchServices(store: Store): { people: PeopleRepository; files: FileService } {
  const people = createPeopleRepository({ store, defaultRegion: 'FR' });
  return { people, files: createFileService({ store, people, trackingPrefix: 'PAR', defaultRegion: 'FR' }) };
}

/**
 * `count` applicants from `from`, each with one file, through the domain services (encryption,
 * blind indexes, audit chain, outbox event, SMS) in transactions of BATCH. Returns the files' ids.
 */
export function createFiles(store: Store, count: number, from: number): string[] {
  const { people, files } = benchServices(store);
  const codes = seedServices.map((service) => service.code);
  const ids: string[] = [];
  for (let first = from; first < from + count; first += BATCH) {
    transaction(store.db, () => {
      for (let i = first; i < Math.min(first + BATCH, from + count); i++) {
        const person = people.create(
          {
            givenNames: 'Awa',
            familyName: `Ngbanda ${i}`,
            birthDate: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
            phone: `+336${10_000_000 + i}`,
            idNumber: `CF${String(i).padStart(8, '0')}`,
          },
          'bench',
        );
        const serviceCode = codes[i % codes.length] ?? '';
        const file = files.open(
          { personId: person.id, serviceCode, channel: i % 3 ? 'counter' : 'online' },
          'bench',
        );
        ids.push(file.id);
      }
    });
  }
  return ids;
}

/** About `bytes` of scans (SCAN_BYTES each, random after a JPEG's leading bytes) spread over the files. */
export async function addScans(
  files: FileService,
  fileIds: readonly string[],
  bytes: number,
): Promise<number> {
  const count = Math.ceil(bytes / SCAN_BYTES);
  for (let n = 0; n < count; n++) {
    const scan = randomBytes(SCAN_BYTES);
    scan.set([0xff, 0xd8, 0xff, 0xe0]);
    const fileId = fileIds[(n * 97) % fileIds.length] ?? '';
    await files.addDocument(fileId, { label: `Scan ${n}`, contentType: 'image/jpeg', bytes: scan }, 'bench');
  }
  return count;
}
