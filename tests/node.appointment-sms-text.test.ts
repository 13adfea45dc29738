import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { appointmentSmsText } from '../node/services/appointments/sms-texts.js';

const facts = (slotStart: string, zone: string) => ({
  reference: 'RDV-7K2Q',
  slotStart,
  zone,
  code: '481516',
  minutes: 15,
});

describe('appointment SMS texts', () => {
  it("give the slot's date and time on the mission's wall clock, summer and winter", () => {
    expect(appointmentSmsText('code', 'fr', facts('2026-07-14T07:30:00.000Z', 'Europe/Paris'))).toBe(
      'Consulat RCA: code 481516 pour confirmer le RDV RDV-7K2Q du 14/07/2026 a 09:30. Valable 15 min.',
    );
    expect(appointmentSmsText('reminder', 'en', facts('2026-12-01T08:00:00.000Z', 'Europe/Paris'))).toBe(
      'RCA Consulate: reminder, appointment RDV-7K2Q on 01/12/2026 at 09:00. Bring the document you named.',
    );
    expect(appointmentSmsText('cancelled', 'sg', facts('2026-03-02T23:30:00.000Z', 'Africa/Bangui'))).toBe(
      'Konsula ti Beafrika: RDV RDV-7K2Q ti 03/03/2026 na 00:30 a zia ni.',
    );
    // New York, the evening before in UTC terms.
    expect(
      appointmentSmsText('confirmed', 'fr', facts('2026-11-03T02:15:00.000Z', 'America/New_York')),
    ).toContain('le 02/11/2026 a 21:15');
  });

  it('agree with the time-zone database on any instant, across daylight-saving changes', () => {
    const zones = [
      'Europe/Paris',
      'Africa/Bangui',
      'America/New_York',
      'America/St_Johns',
      'Australia/Adelaide',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2035, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          const slotStart = new Date(Math.floor(ms / 60_000) * 60_000).toISOString();
          const local = DateTime.fromISO(slotStart, { zone: 'utc' }).setZone(zone);
          const expected = `du ${local.toFormat('dd/MM/yyyy')} a ${local.toFormat('HH:mm')} annule.`;
          expect(appointmentSmsText('cancelled', 'fr', facts(slotStart, zone))).toContain(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
