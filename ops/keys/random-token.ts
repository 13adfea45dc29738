import { randomBytes } from 'node:crypto';

/**
 * A shared secret for a config file (a gateway's or a scraper's bearer token): 32 random bytes in
 * base64url, 43 characters that need no escaping in a URL or a header.
 */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}
