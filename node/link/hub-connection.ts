import mqtt from 'mqtt';
import {
  createBrokerToken,
  decodeHeader,
  downTopic,
  missionBrokerPassword,
  PRESENCE_OFFLINE,
  PRESENCE_ONLINE,
  presenceTopic,
  type RefusalReason,
  upTopic,
} from '../../protocol/index.js';
import { reconnectDelay } from './backoff.js';
import type { DownHandlers } from './handlers/index.js';
import type { LinkAttachment } from './link-attachment.js';
import type { LinkContext } from './link-context.js';
import { heldCount, heldEnvelopes } from './link-store.js';
import { receiveFromHub } from './receiver.js';
import { sealHello, sealNext } from './sender.js';

/** How the node reaches the broker. */
export interface HubLinkOptions {
  readonly url: string;
  /** PEM of the CA that signed the broker's certificate, for mqtts:// URLs. */
  readonly ca?: string | Buffer;
  readonly keepaliveSeconds?: number;
  /**
   * What the node presents as its MQTT password: a fresh signed token (the embedded broker,
   * default) or the static password derived with the hub's key (an external broker).
   */
  readonly credentials?: 'token' | 'password';
  /** Envelopes in flight before waiting for acknowledgements. */
  readonly window?: number;
  readonly reconnect?: { readonly baseMs: number; readonly maxMs: number };
  /** How often to look for new outbox events to send (changes in any service land there). */
  readonly drainIntervalMs?: number;
  /** Envelopes unacknowledged for this long are sent again, in case the hub lost them. */
  readonly resendAfterMs?: number;
  /** Counts refusals by reason, for /metrics. */
  readonly onRefused?: (reason: RefusalReason) => void;
  readonly onApplied?: (type: string) => void;
  readonly onError?: (error: Error) => void;
  /** What else travels on this connection, outside the channel (off-site chunk frames). */
  readonly attachments?: readonly LinkAttachment[];
}

/** The link's state, held in memory (free to read on every probe), for /healthz and /metrics. */
export interface HubLinkStatus {
  readonly connected: boolean;
  readonly lastConnectedAt: number | undefined;
  /** The newest timestamp sealed on an envelope published to the hub since start (ms). */
  readonly lastSentAt?: number | undefined;
}

/**
 * The node's MQTT link to the hub: a persistent session (clean: false) at QoS 1, a retained
 * presence with a last will, hello on every connection, the outbox drained in sealed batches within
 * a window of unacknowledged envelopes, and reconnection with backoff and jitter. Everything it
 * needs to survive a restart is in SQLite; this object holds nothing that matters.
 */
export class HubLink {
  private client: mqtt.MqttClient | undefined;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private draining = false;
  private lastConnectedAt: number | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private lastProgressAt = 0;
  private lastHeld = 0;
  private lastSentAt: number | undefined;

  constructor(
    private readonly ctx: LinkContext,
    private readonly handlers: DownHandlers,
    private readonly options: HubLinkOptions,
  ) {}

  /** Starts connecting; returns at once. The node works the same whether or not this ever connects. */
  start(): void {
    const missionId = this.ctx.self.partyId;
    // Synchronous connect with the message handler attached before CONNACK: queued session
    // messages are delivered right after it and would otherwise be lost.
    const client = mqtt.connect(this.options.url, {
      clientId: missionId,
      username: missionId,
      password: this.password(),
      clean: false,
      protocolVersion: 4,
      keepalive: this.options.keepaliveSeconds ?? 30,
      reconnectPeriod: 0,
      connectTimeout: 15_000,
      ...(this.options.ca ? { ca: this.options.ca } : {}),
      will: { topic: presenceTopic(missionId), payload: Buffer.from(PRESENCE_OFFLINE), qos: 1, retain: true },
    });
    this.client = client;
    const attachments = this.options.attachments ?? [];
    for (const attachment of attachments) attachment.attach(client);
    client.on('message', (topic, payload) => {
      if (topic === downTopic(missionId)) return this.onMessage(new Uint8Array(payload));
      attachments
        .find((attachment) => attachment.topics.includes(topic))
        ?.onMessage(topic, new Uint8Array(payload));
    });
    client.on('connect', () => this.onConnect());
    client.on('close', () => {
      for (const attachment of attachments) attachment.disconnected();
      this.scheduleReconnect();
    });
    client.on('error', (error) => this.options.onError?.(error));
    this.ticker = setInterval(() => this.tick(), this.options.drainIntervalMs ?? 1000);
    this.ticker.unref();
  }

  /** Asks the link to send what is waiting (called after a change writes to the outbox). */
  kick(): void {
    if (this.client?.connected) this.drain();
  }

  status(): HubLinkStatus {
    return {
      connected: this.client?.connected ?? false,
      lastConnectedAt: this.lastConnectedAt,
      lastSentAt: this.lastSentAt,
    };
  }

  /** Envelopes published and not yet acknowledged by the hub: a count in the database. */
  heldCount(): number {
    return heldCount(this.ctx.store.db);
  }

  /** Says goodbye (retained offline) when connected, then closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.ticker);
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      await client
        .publishAsync(presenceTopic(this.ctx.self.partyId), PRESENCE_OFFLINE, { qos: 1, retain: true })
        .catch(() => undefined);
    }
    await client.endAsync(true);
  }

  /**
   * Sends what the services wrote since the last look, and sends again what has waited too long
   * for an acknowledgement (the hub may have lost it in a crash before committing).
   */
  private tick(): void {
    if (!this.client?.connected) return;
    try {
      const held = heldCount(this.ctx.store.db);
      const now = this.ctx.now();
      if (held === 0 || held < this.lastHeld) this.lastProgressAt = now;
      this.lastHeld = held;
      if (held > 0 && now - this.lastProgressAt > (this.options.resendAfterMs ?? 30_000)) {
        this.lastProgressAt = now;
        this.publish(sealHello(this.ctx));
        for (const envelope of heldEnvelopes(this.ctx.store.db)) this.publish(envelope.envelope);
      }
      this.drain();
    } catch (error) {
      this.options.onError?.(error as Error);
    }
  }

  private password(): string {
    if (this.options.credentials === 'password') return missionBrokerPassword(this.ctx.self, this.ctx.hub);
    return createBrokerToken(this.ctx.self, this.ctx.now());
  }

  private onConnect(): void {
    this.attempt = 0;
    this.lastConnectedAt = this.ctx.now();
    this.lastProgressAt = this.ctx.now();
    const client = this.client;
    if (!client) return;
    const missionId = this.ctx.self.partyId;
    client.subscribe(downTopic(missionId), { qos: 1 });
    client.publish(presenceTopic(missionId), PRESENCE_ONLINE, { qos: 1, retain: true });
    this.publish(sealHello(this.ctx));
    // Whatever the hub has not acknowledged goes again: it drops what it already applied.
    for (const held of heldEnvelopes(this.ctx.store.db)) this.publish(held.envelope);
    this.drain();
    for (const attachment of this.options.attachments ?? []) {
      for (const topic of attachment.topics) client.subscribe(topic, { qos: 1 });
      attachment.connected();
    }
  }

  private onMessage(bytes: Uint8Array): void {
    try {
      const received = receiveFromHub(this.ctx, bytes, this.handlers);
      if (received.refused) this.options.onRefused?.(received.refused);
      if (received.applied) this.options.onApplied?.(received.applied);
      for (const reply of received.replies) this.publish(reply);
      for (const envelope of received.resend) this.publish(envelope);
      this.drain();
    } catch (error) {
      // Not applied, not acknowledged: the hub sends it again. Logged, never fatal to the node.
      this.options.onError?.(error as Error);
    }
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      const window = this.options.window ?? 8;
      while (this.client?.connected && heldCount(this.ctx.store.db) < window) {
        const next = sealNext(this.ctx);
        if (!next) break;
        this.publish(next.envelope);
      }
    } finally {
      this.draining = false;
    }
  }

  private publish(envelope: Uint8Array): void {
    // What the hub shows as last seen is the newest timestamp it took: the same figure, node side.
    const header = decodeHeader(envelope);
    if (header.ok) this.lastSentAt = Math.max(this.lastSentAt ?? 0, header.header.timestamp);
    this.client?.publish(upTopic(this.ctx.self.partyId), Buffer.from(envelope), { qos: 1 });
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const { baseMs, maxMs } = this.options.reconnect ?? { baseMs: 1000, maxMs: 60_000 };
    const delay = reconnectDelay(this.attempt++, baseMs, maxMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      const client = this.client;
      if (this.stopped || !client) return;
      // A fresh token each time: the old one may have expired during the outage.
      client.options.password = this.password();
      client.reconnect();
    }, delay);
  }
}
