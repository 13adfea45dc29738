import { describe, expect, it } from 'vitest';
import { hubConfigFromEnv } from '../hub/config/env.js';
import { buildHubApp } from '../hub/http/app.js';
import { nodeConfigFromEnv } from '../node/config/env.js';

const NODE_ENV = {
  MISSION_ID: 'fr-paris',
  MISSION_NAME: 'Ambassade à Paris',
  MISSION_DATA_DIR: '/tmp/econsulat-config-test',
  MISSION_REGION: 'FR',
  MISSION_HOST_CURRENCY: 'EUR',
};

describe('node configuration from the environment: HTTPS and proxies', () => {
  it('serves plain HTTP with no proxy trusted when nothing is set (the demo, tests)', () => {
    const { http } = nodeConfigFromEnv(NODE_ENV);
    expect(http.tls).toBeUndefined();
    expect(http.trustProxy).toEqual([]);
    expect(http.secureCookies).toBeUndefined();
    expect(http.redirectPort).toBe(8080);
  });

  it('reads the certificate and key, the redirect port or off, and the trusted proxies', () => {
    const { http } = nodeConfigFromEnv({
      ...NODE_ENV,
      MISSION_TLS_CERT: '/srv/mission/tls/server.crt',
      MISSION_TLS_KEY: '/srv/mission/keys/tls-server.key',
      MISSION_HTTP_REDIRECT_PORT: 'off',
      MISSION_TRUST_PROXY: '10.0.0.2, 10.0.1.0/24',
      MISSION_SECURE_COOKIES: 'false',
    });
    expect(http.tls).toEqual({
      certFile: '/srv/mission/tls/server.crt',
      keyFile: '/srv/mission/keys/tls-server.key',
    });
    expect(http.redirectPort).toBe(false);
    expect(http.trustProxy).toEqual(['10.0.0.2', '10.0.1.0/24']);
    expect(http.secureCookies).toBe(false);
  });

  it('refuses a certificate without its key, and a proxy that is not an address or a block', () => {
    expect(() => nodeConfigFromEnv({ ...NODE_ENV, MISSION_TLS_CERT: '/srv/server.crt' })).toThrow(/keyFile/);
    expect(() => nodeConfigFromEnv({ ...NODE_ENV, MISSION_TRUST_PROXY: '10.1' })).toThrow(
      /not an IP address or CIDR block/,
    );
  });
});

describe('hub behind a proxy', () => {
  it('takes HUB_TRUST_PROXY, and names the client from a trusted proxy only', async () => {
    const config = hubConfigFromEnv({ HUB_DATA_DIR: '/tmp/econsulat-hub', HUB_TRUST_PROXY: '192.0.2.10' });
    expect(config.http.trustProxy).toEqual(['192.0.2.10']);
    const app = await buildHubApp({ logLevel: 'silent', trustProxy: config.http.trustProxy });
    app.get('/whoami', async (request) => ({ ip: request.ip }));
    const ipOf = async (remoteAddress: string) =>
      (
        await app.inject({ url: '/whoami', remoteAddress, headers: { 'x-forwarded-for': '198.51.100.21' } })
      ).json().ip;
    expect(await ipOf('192.0.2.10')).toBe('198.51.100.21');
    expect(await ipOf('203.0.113.9')).toBe('203.0.113.9');
    await app.close();
  });
});
