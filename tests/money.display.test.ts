import { describe, expect, it } from 'vitest';
import { csvCell, formatCell } from '../hub/dashboards/format.js';
import { refundableOf } from '../node/http/backoffice/refund-view.js';
import { createFormats } from '../node/http/portal/formats.js';
import { formatMoney as backOfficeMoney } from '../node/http/staff/money-view.js';
import type { Payment } from '../node/services/payments/money-rows.js';
import { formatAmount as smsAmount } from '../node/services/payments/payment-messages.js';

// Each place that shows money takes its decimals from ISO 4217 (common/money), not from a list of
// its own nor from Intl's CLDR display digits: TND, KWD and JOD have 3, VND 0, HUF and IDR 2.
const NNBSP = '\u202f';
const NBSP = '\u00a0';

describe('money shown by the back office, SMS, portal and hub dashboards', () => {
  it('the back office writes three-decimal dinars, whole dong and two-decimal forints', () => {
    expect(backOfficeMoney(1_250, 'KWD')).toBe('1,250 KWD');
    expect(backOfficeMoney(1_234_567, 'TND')).toBe(`1${NNBSP}234,567 TND`);
    expect(backOfficeMoney(500, 'JOD')).toBe('0,500 JOD');
    expect(backOfficeMoney(25_000, 'VND')).toBe(`25${NNBSP}000 VND`);
    expect(backOfficeMoney(150_000, 'HUF')).toBe(`1${NNBSP}500,00 HUF`);
  });

  it('the back office writes what it wrote before where its decimals were already right', () => {
    expect(backOfficeMoney(5_500_000, 'XAF')).toBe(`5${NNBSP}500${NNBSP}000 XAF`);
    expect(backOfficeMoney(6_050, 'EUR')).toBe('60,50 EUR');
    expect(backOfficeMoney(-6_050, 'EUR')).toBe('-60,50 EUR');
    expect(backOfficeMoney(100_000_000, 'USD')).toBe(`1${NNBSP}000${NNBSP}000,00 USD`);
  });

  it('the refund form prefills what is left in the currency’s decimals', () => {
    const left = (amountMinor: number, refundedMinor: number, currency: string) =>
      refundableOf({ amountMinor, refundedMinor, currency } as Payment, true).refundableText;
    expect(left(2_000, 750, 'KWD')).toBe('1,250');
    expect(left(55_000, 30_000, 'XAF')).toBe('25000');
  });

  it('an SMS writes ISO decimals in ASCII', () => {
    expect(smsAmount(1_250, 'TND')).toBe('1.250 TND');
    expect(smsAmount(150_000, 'HUF')).toBe('1500.00 HUF');
    expect(smsAmount(250_000, 'IDR')).toBe('2500.00 IDR');
    expect(smsAmount(25_000, 'XAF')).toBe('25000 XAF');
    expect(smsAmount(4_550, 'EUR')).toBe('45.50 EUR');
  });

  it('the portal writes ISO decimals in every language, Sango as French', () => {
    const formats = createFormats('Africa/Bangui');
    expect(formats.fr.money(150_000, 'HUF')).toBe(`1${NNBSP}500,00${NBSP}HUF`);
    expect(formats.fr.money(1_250, 'KWD')).toBe(`1,250${NBSP}KWD`);
    expect(formats.en.money(250_000, 'IDR')).toBe(`IDR${NBSP}2,500.00`);
    expect(formats.fr.money(75_000, 'XAF')).toBe(`75${NNBSP}000${NBSP}FCFA`);
    expect(formats.en.money(6_000, 'EUR')).toBe('€60.00');
    for (const currency of ['XAF', 'EUR', 'TND']) {
      expect(formats.sg.money(1_234_567, currency)).toBe(formats.fr.money(1_234_567, currency));
    }
  });

  it('the hub’s dashboards write ISO decimals on the page and in CSV files', () => {
    expect(formatCell({ minor: 1_250, currency: 'TND' }, 'money')).toBe(`1,250${NBSP}TND`);
    expect(formatCell({ minor: 150_000, currency: 'HUF' }, 'money')).toBe(`1${NNBSP}500,00${NBSP}HUF`);
    expect(formatCell({ minor: 12_500, currency: 'XAF' }, 'money')).toBe(`12${NNBSP}500${NBSP}FCFA`);
    expect(csvCell({ minor: 1_250, currency: 'KWD' }, 'money')).toBe('1.250');
    expect(csvCell({ minor: 150_000, currency: 'HUF' }, 'money')).toBe('1500.00');
    expect(csvCell({ minor: 123_450, currency: 'EUR' }, 'money')).toBe('1234.50');
  });

  it('the hub shows a code ISO 4217 does not list as minor units, without guessing its decimals', () => {
    expect(formatCell({ minor: 12_500, currency: 'ABC' }, 'money')).toBe(
      `12${NNBSP}500 ABC (unités mineures)`,
    );
    expect(csvCell({ minor: 12_500, currency: 'ABC' }, 'money')).toBe('');
  });
});
