import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeConfigSchema } from '../node/config/config.js';
import { LOGIN_RATE_LIMIT } from '../node/http/staff/staff-auth.js';
import { createNode, type MissionNode } from '../node/index.js';
import { Identity, ready, sodium } from '../protocol/index.js';
import { makeTempDir } from './_util/node-store.js';

// Documentation ranges (RFC 5737): the proxy, two counters behind it, and a machine beside it.
const PROXY = '192.0.2.10';
const COUNTER_A = '198.51.100.21';
const COUNTER_B = '198.51.100.22';
const BESIDE_THE_PROXY = '203.0.113.9';

let node: MissionNode;
let cleanup: () => Promise<void>;
let attempt = 0;

beforeAll(async () => {
  await ready();
  const temp = await makeTempDir('econsulat-proxy-');
  cleanup = temp.cleanup;
  const config = nodeConfigSchema.parse({
    missionId: 'fr-paris',
    missionName: 'Ambassade de Centrafrique à Paris',
    dataDir: temp.dir,
    http: { host: '127.0.0.1', port: 0, trustProxy: [`${PROXY}/32`] },
    region: 'FR',
    hostCurrency: 'EUR',
    logLevel: 'silent',
  });
  // The node as `node run` builds it (context.ts passes http.trustProxy to fastify), never listening.
  node = await createNode(config, {
    identity: Identity.generate(config.missionId),
    dataKey: sodium.randombytes_buf(32),
  });
});

afterAll(async () => {
  await node?.close();
  await cleanup?.();
});

/** A wrong login from `remoteAddress`, under a new username each time: no account lock gets in the way. */
function wrongLogin(remoteAddress: string, forwardedFor?: string): Promise<LightMyRequestResponse> {
  attempt += 1;
  return node.app.inject({
    method: 'POST',
    url: '/api/v1/staff/login',
    remoteAddress,
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    payload: { username: `nobody-${attempt}`, password: 'not the password', code: '000000' },
  });
}

const isLimited = (response: LightMyRequestResponse) =>
  response.statusCode === 429 && response.json().error.code === 'rate_limited';

describe('client addresses behind a trusted proxy', () => {
  it('limits each counter behind the proxy on its own: one at the limit leaves the other free', async () => {
    for (let i = 0; i < LOGIN_RATE_LIMIT.max; i++) {
      expect((await wrongLogin(PROXY, COUNTER_A)).statusCode).toBe(401);
    }
    expect(isLimited(await wrongLogin(PROXY, COUNTER_A))).toBe(true);
    const other = await wrongLogin(PROXY, COUNTER_B);
    expect(other.statusCode).toBe(401);
    expect(other.json().error.code).toBe('invalid_credentials');
  });

  it('takes the client after the proxy’s own hop, not what the client wrote before it', async () => {
    // The proxy appends the address it saw: a counter cannot hide behind a name it made up.
    expect(isLimited(await wrongLogin(PROXY, `${COUNTER_B}, ${COUNTER_A}`))).toBe(true);
  });

  it('ignores X-Forwarded-For from an address that is not a trusted proxy: counted under its own', async () => {
    // COUNTER_A is at its limit: a forged header naming it changes nothing for this machine...
    expect((await wrongLogin(BESIDE_THE_PROXY, COUNTER_A)).statusCode).toBe(401);
    // ...and a new made-up client per request does not spread its attempts: all count as one address.
    for (let i = 1; i < LOGIN_RATE_LIMIT.max; i++) {
      expect((await wrongLogin(BESIDE_THE_PROXY, `100.64.0.${i}`)).statusCode).toBe(401);
    }
    expect(isLimited(await wrongLogin(BESIDE_THE_PROXY, '100.64.0.200'))).toBe(true);
    expect((await wrongLogin(PROXY, COUNTER_B)).statusCode).toBe(401);
  });
});
