import type { Store } from '../../node/db/store.js';
import type { Domain } from '../../node/services/domain.js';
import { dueSms } from '../../node/services/outbox/sms-outbox.js';
import { specimenPdf } from './specimen-pdf.js';

/** Realistic applicants of the demo: Central African names, host-country phone numbers. */
const APPLICANTS = [
  { givenNames: 'Bérénice', familyName: 'Ngaïkoumon' },
  { givenNames: 'Dieudonné', familyName: 'Yakité' },
  { givenNames: 'Aimée', familyName: 'Zanga-Kolingba' },
  { givenNames: 'Thierry', familyName: 'Mbaïkoua' },
  { givenNames: 'Odette', familyName: 'Sélékon' },
  { givenNames: 'Faustin', familyName: 'Gbazi' },
];

/**
 * Books and confirms a few appointments (reading each SMS code from the outbox, as an applicant
 * would from their phone) and opens a few files, one with a scanned document, so dashboards and
 * agent screens have content.
 */
export async function seedActivity(
  store: Store,
  domain: Domain,
  phones: readonly string[],
  now: Date = new Date(),
): Promise<{ appointments: string[]; files: string[] }> {
  const appointments: string[] = [];
  const taken = new Set<string>();
  const to = new Date(now.getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
  const slots = domain.appointments.listSlots({
    serviceCode: 'passport-renewal',
    from: now.toISOString().slice(0, 10),
    to,
  });
  for (const [i, applicant] of APPLICANTS.slice(0, 4).entries()) {
    const slot = slots.find((s) => s.remaining > 0 && new Date(s.start) > now && !taken.has(s.start));
    if (!slot) break;
    taken.add(slot.start);
    const phone = phones[i % phones.length] ?? phones[0] ?? '';
    const held = domain.appointments.book(
      {
        serviceCode: 'passport-renewal',
        slotStart: slot.start,
        applicant,
        phone,
        documentNumber: `PA${100200 + i}`,
        lang: 'fr',
      },
      'demo',
    );
    const code = latestCode(store, now);
    if (code) domain.appointments.confirm({ reference: held.reference, code }, 'demo');
    appointments.push(held.reference);
  }
  const files: string[] = [];
  for (const [i, applicant] of APPLICANTS.slice(2).entries()) {
    const person = domain.people.create(
      { ...applicant, phone: phones[i % phones.length], birthDate: `198${i}-0${i + 1}-1${i}` },
      'demo',
    );
    const file = domain.files.open(
      { personId: person.id, serviceCode: 'consular-card', channel: 'counter' },
      'demo',
    );
    if (i === 0) {
      // One scan, so the file page shows what the counter attaches (a specimen, nobody's passport).
      const scan = specimenPdf([
        'SPECIMEN - document de demonstration',
        `Dossier ${file.trackingNumber}`,
        `${applicant.givenNames} ${applicant.familyName}`,
      ]);
      await domain.files.addDocument(
        file.id,
        { label: 'Passeport (spécimen)', contentType: 'application/pdf', bytes: scan },
        'demo',
      );
    }
    files.push(file.trackingNumber);
  }
  return { appointments, files };
}

function latestCode(store: Store, now: Date): string | undefined {
  const codes = dueSms(store, new Date(now.getTime() + 60_000), 500)
    .map((sms) => /\b(\d{6})\b/.exec(sms.text)?.[1])
    .filter((code): code is string => code !== undefined);
  return codes.at(-1);
}
