import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/**
 * The credential of `Authorization: Bearer …` (RFC 6750 §2.1), or undefined. The scheme's name is
 * case-insensitive (RFC 7235 §2.1): some scrapers and gateways write `bearer`.
 */
export function bearerToken(request: FastifyRequest): string | undefined {
  return /^Bearer (\S{1,200})$/i.exec(request.headers.authorization ?? '')?.[1];
}

/**
 * True when a presented secret is the expected one. Both are hashed first: timingSafeEqual needs
 * equal lengths, and comparing digests leaks neither a matching prefix nor the secret's length.
 */
export function isSameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
