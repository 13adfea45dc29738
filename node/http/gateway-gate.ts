import type { FastifyRequest } from 'fastify';
import { bearerToken, isSameSecret } from '../../common/http/bearer-token.js';
import { addressMatcher } from '../../common/net/address-ranges.js';

/**
 * Why a gateway callback was refused, as /metrics counts it: no token configured on the node, none
 * presented, a wrong one, or a client address outside the configured allow-list.
 */
export type GatewayRefusal = 'disabled' | 'missing_token' | 'wrong_token' | 'address_not_allowed';

/** Every refusal reason, for a counter to show each at zero from the start. */
export const GATEWAY_REFUSALS: readonly GatewayRefusal[] = [
  'disabled',
  'missing_token',
  'wrong_token',
  'address_not_allowed',
];

/** What the node holds of a gateway: its shared secret and, optionally, where it calls from. */
export interface GatewayCredential {
  readonly token?: string | undefined;
  readonly allowFrom: readonly string[];
}

/** A check of one callback: undefined when it comes from the gateway, else why not. */
export type GatewayGate = (request: FastifyRequest) => GatewayRefusal | undefined;

/**
 * Deny by default: what a gateway calls back with (a USSD step, and any inbound SMS or delivery
 * report callback the node adds later) claims a caller's number, so it is taken only from a caller
 * that presents the token — `Authorization: Bearer …`, or `?token=` for gateways that can only be
 * given a URL — and, when an allow-list is configured, calls from one of its addresses. The
 * address is the client's as fastify reads it: the socket's, or the one forwarded by a proxy the
 * node trusts (`http.trustProxy`), never a header from anyone else. It is checked first: a
 * stranger's guesses never reach the token comparison.
 */
export function gatewayGate(credential: GatewayCredential): GatewayGate {
  const { token } = credential;
  const isAllowedAddress =
    credential.allowFrom.length === 0 ? () => true : addressMatcher(credential.allowFrom);
  return (request) => {
    if (token === undefined) return 'disabled';
    if (!isAllowedAddress(request.ip)) return 'address_not_allowed';
    const given = presentedToken(request);
    if (given === undefined) return 'missing_token';
    return isSameSecret(given, token) ? undefined : 'wrong_token';
  };
}

function presentedToken(request: FastifyRequest): string | undefined {
  const bearer = bearerToken(request);
  if (bearer !== undefined) return bearer;
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.token === 'string' ? query.token : undefined;
}
