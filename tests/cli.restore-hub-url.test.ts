import { describe, expect, it } from 'vitest';
import { hubUrl } from '../ops/commands/node-restore-hub.js';

describe('node restore --from-hub: the hub’s address', () => {
  it('keeps a prefix the hub is served under, for the login as for the backups', () => {
    expect(hubUrl('https://mae.example/hub', '/api/v1/auth/login')).toBe(
      'https://mae.example/hub/api/v1/auth/login',
    );
    expect(hubUrl('https://mae.example/hub/', '/api/v1/missions/fr-paris/offsite-backups')).toBe(
      'https://mae.example/hub/api/v1/missions/fr-paris/offsite-backups',
    );
  });

  it('takes a bare address as the root', () => {
    expect(hubUrl('http://127.0.0.1:8443', '/api/v1/auth/login')).toBe(
      'http://127.0.0.1:8443/api/v1/auth/login',
    );
  });
});
