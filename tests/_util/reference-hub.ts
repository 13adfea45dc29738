import mqtt from 'mqtt';
import {
  ALL_UP_TOPICS,
  createBrokerToken,
  decide,
  downTopic,
  type Identity,
  MemoryReceiveState,
  MemorySendChannel,
  type MessageBody,
  type MessageType,
  type OpenedMessage,
  open,
  parseTopic,
  seal,
  type TrustStore,
} from '../../protocol/index.js';

/**
 * A hub built only from protocol/ reference pieces (in-memory channel state), to exercise the
 * node's link on its own against a real broker. The real hub is tested in tests/hub.*.
 */
export class ReferenceHub {
  readonly received: OpenedMessage[] = [];
  private readonly state = new MemoryReceiveState();
  private readonly send = new Map<string, MemorySendChannel>();
  private client: mqtt.MqttClient | undefined;

  constructor(
    private readonly hub: Identity,
    private readonly trust: TrustStore,
  ) {}

  async connect(url: string): Promise<void> {
    const client = mqtt.connect(url, {
      clientId: 'hub-reference',
      username: 'hub',
      password: createBrokerToken(this.hub, Date.now()),
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, new Uint8Array(payload)));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync(ALL_UP_TOPICS, { qos: 1 });
  }

  /** Sends a sequenced message down to a mission. */
  async sendDown<T extends MessageType>(missionId: string, type: T, body: MessageBody<T>): Promise<void> {
    const channel = this.channel(missionId);
    const recipient = this.trust.keysOf(missionId)[0]?.identity;
    if (!recipient) throw new Error(`no keys for ${missionId}`);
    const seq = channel.allocate();
    const envelope = seal({ sender: this.hub, recipient, type, body, seq, timestamp: Date.now() });
    channel.hold(seq, envelope);
    await this.client?.publishAsync(downTopic(missionId), Buffer.from(envelope), { qos: 1 });
  }

  async close(): Promise<void> {
    await this.client?.endAsync(true);
  }

  private channel(missionId: string): MemorySendChannel {
    let channel = this.send.get(missionId);
    if (!channel) {
      channel = new MemorySendChannel();
      this.send.set(missionId, channel);
    }
    return channel;
  }

  private onMessage(topic: string, bytes: Uint8Array): void {
    const missionId = parseTopic(topic)?.missionId;
    if (!missionId) return;
    const opened = open(bytes, {
      self: this.hub,
      trust: this.trust,
      now: Date.now(),
      receiveState: this.state,
    });
    if (!opened.ok) {
      if (opened.reason === 'duplicate')
        this.control(missionId, 'ack', { upTo: this.state.appliedUpTo(missionId) });
      return;
    }
    const decision = decide(opened.value.header, this.state.appliedUpTo(missionId));
    this.state.record(missionId, decision);
    if (decision.action === 'apply') {
      this.received.push(opened.value);
      this.control(missionId, 'ack', { upTo: decision.advanceTo });
    } else if (decision.action === 'resend') {
      this.control(missionId, 'resend.request', { from: decision.from });
    } else if (opened.value.type === 'ack') {
      this.channel(missionId).acknowledge(opened.value.body.upTo);
    }
  }

  private control<T extends 'ack' | 'resend.request'>(
    missionId: string,
    type: T,
    body: MessageBody<T>,
  ): void {
    const recipient = this.trust.keysOf(missionId)[0]?.identity;
    if (!recipient) return;
    const timestamp = this.channel(missionId).controlTimestamp(Date.now());
    const envelope = seal({ sender: this.hub, recipient, type, body, seq: 0, timestamp });
    this.client?.publish(downTopic(missionId), Buffer.from(envelope), { qos: 1 });
  }
}
