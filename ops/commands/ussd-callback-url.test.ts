import { describe, expect, it } from 'vitest';
import { ussdCallbackUrl } from './ussd-callback-url.js';

describe('ussdCallbackUrl', () => {
  it('puts /ussd under the address, with the token in the query', () => {
    expect(ussdCallbackUrl('http://127.0.0.1:8081', 'abc_-123')).toBe(
      'http://127.0.0.1:8081/ussd?token=abc_-123',
    );
  });

  it('keeps the path of a proxy address, with or without its trailing slash', () => {
    for (const base of ['https://proxy.example/paris', 'https://proxy.example/paris/']) {
      expect(ussdCallbackUrl(base, 't0k3n')).toBe('https://proxy.example/paris/ussd?token=t0k3n');
    }
  });

  it('escapes a configured token that a URL cannot carry as it is', () => {
    expect(ussdCallbackUrl('http://node', 'a&b=c d')).toBe('http://node/ussd?token=a%26b%3Dc+d');
  });
});
