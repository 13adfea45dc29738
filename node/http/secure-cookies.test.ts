import { describe, expect, it } from 'vitest';
import { hasSecureCookies } from './secure-cookies.js';

const tls = { certFile: '/srv/tls/server.crt', keyFile: '/srv/keys/tls-server.key' };

describe('hasSecureCookies', () => {
  it('marks cookies Secure when the node serves HTTPS or trusts a proxy', () => {
    expect(hasSecureCookies({ tls, trustProxy: [] })).toBe(true);
    expect(hasSecureCookies({ trustProxy: ['10.0.0.2'] })).toBe(true);
  });

  it('leaves them plain on plain HTTP with no proxy (the demo, tests on 127.0.0.1)', () => {
    expect(hasSecureCookies({ trustProxy: [] })).toBe(false);
  });

  it('obeys secureCookies when it is set, either way', () => {
    expect(hasSecureCookies({ secureCookies: true, trustProxy: [] })).toBe(true);
    expect(hasSecureCookies({ secureCookies: false, tls, trustProxy: ['10.0.0.2'] })).toBe(false);
  });
});
