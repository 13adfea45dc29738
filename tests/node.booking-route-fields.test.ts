import fc from 'fast-check';
import type { CountryCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { appointmentBodies } from '../node/http/api/public/appointment-schemas.js';
import { bookingInputSchema } from '../node/services/appointments/schemas.js';

// POST /appointments hands its parsed body to appointments.bookChecked, which does not parse it
// again: whatever the route's schema accepts must be what the booking schema would have made of it.

const bodies = fc.record({
  service: fc.oneof(
    { arbitrary: fc.constantFrom('passport', 'visa-tourist'), weight: 4 },
    { arbitrary: fc.oneof(fc.constantFrom('Passport', 'p', 'état-civil'), fc.string()), weight: 1 },
  ),
  slotStart: fc.oneof(
    fc.constantFrom(
      '2026-12-01T09:00:00Z',
      '2026-12-01T10:00:00+01:00',
      '2026-12-01T09:00:00.000Z',
      '2026-12-01 09:00',
    ),
    fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
  ),
  applicant: fc.record({
    givenNames: fc.oneof(
      { arbitrary: fc.constantFrom(' Awa ', 'N'.repeat(200), 'Jean-Pierre'), weight: 3 },
      { arbitrary: fc.string({ maxLength: 210 }), weight: 1 },
    ),
    familyName: fc.constantFrom('Ngbanda', ' Zoé  Mbari ', ''),
    birthDate: fc.option(fc.constantFrom('1990-02-28', '1990-02-30'), { nil: undefined }),
  }),
  phone: fc.oneof(
    fc.constantFrom('06 12 34 56 78', '+236 72 12 34 56', '+1 202-555-0143'),
    fc.stringMatching(/^\+?[0-9 ]{4,16}$/),
  ),
  documentNumber: fc.oneof(
    { arbitrary: fc.constantFrom(' AB 12-345 ', 'P1234567'), weight: 3 },
    { arbitrary: fc.string({ maxLength: 45 }), weight: 1 },
  ),
  lang: fc.option(fc.constantFrom('fr', 'sg', 'en', 'de'), { nil: undefined }),
});

describe("the booking route's body needs no second parse in the domain", () => {
  for (const region of ['FR', 'CF'] as CountryCode[]) {
    it(`bodies accepted in ${region} are what the booking schema makes of them`, () => {
      const route = appointmentBodies(region).book;
      const domain = bookingInputSchema(region);
      let accepted = 0;
      fc.assert(
        fc.property(bodies, (body) => {
          const parsed = route.safeParse(body);
          const { service, ...rest } = body;
          const direct = domain.safeParse({ serviceCode: service, ...rest });
          // Both accept or refuse the same bodies…
          expect(parsed.success).toBe(direct.success);
          if (!parsed.success || !direct.success) return;
          accepted++;
          const { service: serviceCode, ...fields } = parsed.data;
          const handed = { serviceCode, ...fields };
          // …and what the route hands over is the domain's own reading, stable under a second parse.
          expect(handed).toEqual(direct.data);
          expect(domain.parse(handed)).toEqual(handed);
        }),
        { numRuns: 2000 },
      );
      expect(accepted).toBeGreaterThan(100);
    });
  }
});
