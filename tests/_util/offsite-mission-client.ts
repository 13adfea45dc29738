import mqtt from 'mqtt';
import {
  backupAckTopic,
  createBrokerToken,
  decodeAckFrame,
  downTopic,
  type Identity,
  OFFSITE_POLICY,
  OFFSITE_STATUS,
  type OffsitePolicy,
  type OffsiteStatus,
  open,
  TrustStore,
  toBase64Url,
} from '../../protocol/index.js';

/** The mission's end of the broker, as a node's link would hold it: what comes down, opened. */
export class MissionClient {
  readonly statuses: OffsiteStatus[] = [];
  readonly policies: OffsitePolicy[] = [];
  readonly acked = new Map<string, number>();
  private waiters: Array<() => void> = [];

  private constructor(
    readonly client: mqtt.MqttClient,
    private readonly mission: Identity,
    private readonly hubTrust: TrustStore,
  ) {
    client.on('message', (topic, payload) => this.take(topic, new Uint8Array(payload)));
  }

  static async connect(url: string, mission: Identity, hub: Identity): Promise<MissionClient> {
    const client = await mqtt.connectAsync(url, {
      clientId: mission.partyId,
      username: mission.partyId,
      password: createBrokerToken(mission, Date.now()),
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    const trust = new TrustStore();
    trust.trust({ identity: hub.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
    const self = new MissionClient(client, mission, trust);
    await client.subscribeAsync({
      [downTopic(mission.partyId)]: { qos: 1 },
      [backupAckTopic(mission.partyId)]: { qos: 1 },
    });
    return self;
  }

  private take(topic: string, bytes: Uint8Array): void {
    if (topic === backupAckTopic(this.mission.partyId)) {
      const ack = decodeAckFrame(bytes);
      for (const address of ack?.addresses ?? []) this.acked.set(toBase64Url(address), ack?.generation ?? 0);
    } else {
      const opened = open(bytes, { self: this.mission, trust: this.hubTrust, now: Date.now() });
      if (opened.ok && opened.value.type === OFFSITE_STATUS) this.statuses.push(opened.value.body);
      if (opened.ok && opened.value.type === OFFSITE_POLICY) this.policies.push(opened.value.body);
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves once `test` holds, checked after each message. */
  async until(test: () => boolean, what: string, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }
}
