import { describe, expect, it } from 'vitest';
import { parisNodeConfig } from './_util/node-app.js';

describe('node configuration', () => {
  it('takes an ISO 4217 host currency', () => {
    expect(parisNodeConfig('/tmp/x', { hostCurrency: 'EUR' }).hostCurrency).toBe('EUR');
    expect(parisNodeConfig('/tmp/x', { hostCurrency: 'TND' }).hostCurrency).toBe('TND');
  });

  it('refuses a host currency ISO 4217 does not list, saying which', () => {
    expect(() => parisNodeConfig('/tmp/x', { hostCurrency: 'ABC' })).toThrow(
      'ABC is not an active ISO 4217 currency code',
    );
    expect(() => parisNodeConfig('/tmp/x', { hostCurrency: 'eur' })).toThrow();
  });
});
