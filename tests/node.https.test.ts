import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { httpsLocation } from '../node/http/https-redirect.js';
import {
  adminLogin,
  fetchRaw,
  type HttpsNode,
  type RawResponse,
  startHttpsNode,
} from './_util/https-node.js';

let node: HttpsNode;
// One login for the suite: a TOTP code is taken once (a second login in the same 30 s is refused).
let login: RawResponse;

beforeAll(async () => {
  node = await startHttpsNode();
  login = await fetchRaw(`${node.url}/api/v1/staff/login`, {
    ca: node.ca,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: adminLogin(node),
  });
});

afterAll(async () => {
  await node?.close();
});

describe('a node serving HTTPS with the mission’s certificate', () => {
  it('answers a client that trusts the mission’s authority, by name and by address', async () => {
    expect(node.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const byName = await fetchRaw(`${node.url}/healthz`, { ca: node.ca, servername: 'localhost' });
    expect(byName.status).toBe(200);
    const byAddress = await fetchRaw(`${node.url}/healthz`, { ca: node.ca });
    expect(byAddress.status).toBe(200);
  });

  it('is refused by a client that was not taught the authority, and for a name not in the certificate', async () => {
    await expect(fetchRaw(`${node.url}/healthz`)).rejects.toThrow(/certificate/i);
    await expect(
      fetchRaw(`${node.url}/healthz`, { ca: node.ca, servername: 'poste-inconnu.example' }),
    ).rejects.toThrow(/altnames|does not match/i);
  });

  it('sends HSTS over HTTPS', async () => {
    const page = await fetchRaw(`${node.url}/staff/login`, { ca: node.ca });
    expect(page.status).toBe(200);
    expect(page.headers['strict-transport-security']).toBe('max-age=31536000');
  });

  it('marks the staff session cookie Secure', () => {
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/^econsulat_staff=[A-Za-z0-9_-]+;/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/HttpOnly/);
  });

  it('carries the agents’ live socket over TLS (wss)', async () => {
    const session = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const socket = new WebSocket(`${node.url.replace('https:', 'wss:')}/api/v1/staff/live`, {
      ca: node.ca,
      headers: { cookie: session, origin: node.url },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.close();
  });
});

describe('the plain HTTP listener beside it', () => {
  it('answers 308 to the same host, the HTTPS port, the same path and query, and nothing else', async () => {
    const httpsPort = new URL(node.url).port;
    for (const method of ['GET', 'POST']) {
      const response = await fetchRaw(`${node.redirectUrl}/staff/login?next=%2Fstaff%2F`, {
        method,
        headers: { host: 'poste-accueil:8080' },
        body: method === 'POST' ? 'username=root' : undefined,
      });
      expect(response.status).toBe(308);
      expect(response.headers.location).toBe(
        `https://poste-accueil:${httpsPort}/staff/login?next=%2Fstaff%2F`,
      );
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(response.headers['content-security-policy']).toBeUndefined();
      expect(response.body).toBe('');
    }
  });

  it('serves none of the node’s routes in clear', async () => {
    const response = await fetchRaw(`${node.redirectUrl}/healthz`);
    expect(response.status).toBe(308);
    expect(response.headers.location).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/healthz$/);
  });
});

describe('httpsLocation', () => {
  it('keeps an IPv6 host in brackets and leaves out the default port', () => {
    expect(httpsLocation('[fd00::5]:8080', '/a?b=1', 8081)).toBe('https://[fd00::5]:8081/a?b=1');
    expect(httpsLocation('poste', '/', 443)).toBe('https://poste/');
  });

  it('refuses a missing or unusual Host rather than copy it into Location', () => {
    expect(httpsLocation(undefined, '/', 8081)).toBeUndefined();
    expect(httpsLocation('evil.example/path', '/', 8081)).toBeUndefined();
    expect(httpsLocation('a b', '/', 8081)).toBeUndefined();
  });

  it('sends an absolute-form target to the root', () => {
    expect(httpsLocation('poste', 'http://elsewhere.example/x', 8081)).toBe('https://poste:8081/');
  });
});
