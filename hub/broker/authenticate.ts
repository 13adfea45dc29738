import type { AuthenticateError, Client } from 'aedes';
import { type TrustResolver, verifyBrokerToken } from '../../protocol/index.js';
import { isClientIdAllowed } from './access.js';
import { createUsedTokens, type UsedTokens } from './used-tokens.js';

/** What the broker reports about connections it refuses or accepts. */
export interface BrokerEvents {
  refused(kind: 'connect' | 'publish' | 'subscribe', partyId: string | undefined, detail: string): void;
}

const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** Parties of authenticated clients, by client object: read by the authorisation hooks. */
export const clientParties = new WeakMap<Client, string>();

/**
 * aedes `authenticate` hook: the username is the party id, the password a broker token signed by
 * the party's enrolled key (protocol/broker-token.ts). Unknown, revoked or expired keys are
 * refused, and so is a token already used once.
 */
export function makeAuthenticate(
  trust: TrustResolver,
  events: BrokerEvents,
  now: () => number = Date.now,
  used: UsedTokens = createUsedTokens(),
) {
  return (
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void => {
    if (!username || !password) {
      events.refused('connect', username, 'no credentials');
      done(authError('credentials required', NOT_AUTHORIZED), false);
      return;
    }
    const verdict = verifyBrokerToken(password.toString('utf8'), username, trust, now());
    if (!verdict.ok) {
      events.refused('connect', username, `${verdict.reason}: ${verdict.detail}`);
      done(authError('bad credentials', BAD_USERNAME_OR_PASSWORD), false);
      return;
    }
    if (!used.admit(verdict.value.nonce, verdict.value.acceptableUntil, now())) {
      events.refused('connect', username, 'token already used');
      done(authError('bad credentials', BAD_USERNAME_OR_PASSWORD), false);
      return;
    }
    if (!isClientIdAllowed(verdict.value.partyId, client.id)) {
      events.refused('connect', username, `client id ${client.id} not allowed`);
      done(authError('client id not allowed', NOT_AUTHORIZED), false);
      return;
    }
    clientParties.set(client, verdict.value.partyId);
    done(null, true);
  };
}
