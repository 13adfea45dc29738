import fc from 'fast-check';
import type { CountryCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { bookingInputSchema, waitlistInputSchema } from '../node/services/appointments/schemas.js';
import { personInputSchema } from '../node/services/people/person-schema.js';

// A booking stores its applicant with people.createChecked, which does not parse the fields again:
// whatever the booking schemas accept must be what the person schema would have stored.

const phones = fc.oneof(
  fc.constantFrom(
    '06 12 34 56 78',
    '+33 6 12 34 56 78',
    '0033612345678',
    '+236 72 12 34 56',
    '+1 202-555-0143',
  ),
  fc.stringMatching(/^\+?[0-9 ().-]{4,20}$/),
);
const names = fc.oneof(
  fc.string({ maxLength: 210 }),
  fc.constantFrom('  Awa  ', 'Ngbanda-Ké', 'Zoé Mbari', '', 'N'.repeat(150), ` ${'Z'.repeat(200)} `),
);
const documents = fc.oneof(
  fc.string({ maxLength: 45 }),
  fc.constantFrom(' AB 12-345 ', 'P1234567', 'x', 'D'.repeat(40), ` ${'E'.repeat(40)} `),
);
const dates = fc.option(fc.constantFrom('1990-02-28', '1990-02-30', '2001-13-01', '1985-07-04'), {
  nil: undefined,
});

const applicants = fc.record({
  givenNames: names,
  familyName: names,
  birthDate: dates,
  phone: phones,
  documentNumber: documents,
});

function checkRegion(region: CountryCode, accept: (input: Record<string, unknown>) => unknown) {
  const person = personInputSchema(region);
  let accepted = 0;
  fc.assert(
    fc.property(applicants, ({ givenNames, familyName, birthDate, phone, documentNumber }) => {
      const input = { applicant: { givenNames, familyName, birthDate }, phone, documentNumber };
      const parsed = accept(input) as
        | {
            applicant: { givenNames: string; familyName: string; birthDate?: string };
            phone: string;
            documentNumber: string;
          }
        | undefined;
      if (parsed === undefined) return;
      accepted++;
      const fields = { ...parsed.applicant, phone: parsed.phone, idNumber: parsed.documentNumber };
      expect(person.parse(fields)).toEqual(fields);
    }),
    { numRuns: 2000 },
  );
  // The property means something only if the booking schemas accepted a fair share.
  expect(accepted).toBeGreaterThan(100);
}

describe("a booking's applicant needs no second parse as a person", () => {
  for (const region of ['FR', 'CF', 'US'] as CountryCode[]) {
    it(`booking and waiting-list fields accepted in ${region} are stored unchanged by the person schema`, () => {
      const booking = bookingInputSchema(region);
      const waitlist = waitlistInputSchema(region);
      checkRegion(region, (input) => {
        const result = booking.safeParse({
          serviceCode: 'passport',
          slotStart: '2026-12-01T09:00:00Z',
          lang: 'fr',
          ...input,
        });
        const queued = waitlist.safeParse({
          serviceCode: 'passport',
          day: '2026-12-01',
          lang: 'fr',
          ...input,
        });
        // Both schemas share the applicant, phone and document rules.
        expect(queued.success).toBe(result.success);
        return result.success ? result.data : undefined;
      });
    });
  }
});
