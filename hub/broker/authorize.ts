import type { Client, PublishPacket, Subscription } from 'aedes';
import { canPublish, canSubscribe } from './access.js';
import { type BrokerEvents, clientParties } from './authenticate.js';

/** aedes `authorizePublish` hook: deny by default; `$SYS/` stays the broker's own. */
export function makeAuthorizePublish(events: BrokerEvents) {
  return (client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void): void => {
    const party = client ? clientParties.get(client) : undefined;
    if (!party || packet.topic.startsWith('$SYS/') || !canPublish(party, packet.topic)) {
      events.refused('publish', party, packet.topic);
      done(new Error('publish not allowed'));
      return;
    }
    done(null);
  };
}

/** aedes `authorizeSubscribe` hook: a refused filter is answered with a failure code, never silently widened. */
export function makeAuthorizeSubscribe(events: BrokerEvents) {
  return (
    client: Client,
    subscription: Subscription,
    done: (error: Error | null, subscription?: Subscription | null) => void,
  ): void => {
    const party = clientParties.get(client);
    if (!party || !canSubscribe(party, subscription.topic)) {
      events.refused('subscribe', party, subscription.topic);
      done(new Error('subscribe not allowed'));
      return;
    }
    done(null, subscription);
  };
}
