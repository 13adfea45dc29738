import mqtt from 'mqtt';
import {
  ALL_BACKUP_TOPICS,
  ALL_PRESENCE_TOPICS,
  ALL_UP_TOPICS,
  backupAckTopic,
  createBrokerToken,
  decodeHeader,
  downTopic,
  HELLO,
  hubBrokerPassword,
  type Identity,
  KEY_ROTATION,
  parseTopic,
  type TrustStore,
} from '../../protocol/index.js';
import type { Database } from '../db/database.js';
import { ingestEnvelope } from '../ingest/ingest-envelope.js';
import type { IngestOutcome } from '../ingest/ingest-types.js';
import type { OffsiteSettings } from '../services/offsite/offsite-settings.js';
import { unacknowledgedFrom } from '../services/outbound.js';
import { BackupReceiver } from './backup-receiver.js';
import { hasGreetedSince, hubHello, missionsToGreet } from './greeting.js';
import { recordPresence } from './presence.js';
import { sealReply } from './replies.js';

/** How the hub reaches the broker. */
export interface HubLinkOptions {
  readonly url: string;
  readonly ca?: string | Buffer;
  /** MQTT client id; unique per hub process. */
  readonly clientId: string;
  /** With an external broker, hub processes share the ingest through `$share/<group>/…`. */
  readonly shareGroup?: string;
  /**
   * What the hub presents as its MQTT password: a fresh signed token (the embedded broker,
   * default) or the static password derived from its key (an external broker's password file).
   */
  readonly credentials?: 'token' | 'password';
  readonly onOutcome?: (outcome: IngestOutcome) => void;
  /** Told once a mission's presence (online or offline) is recorded. */
  readonly onPresence?: (missionId: string) => void;
  /** Said in the hello the hub sends every mission when it connects. */
  readonly softwareVersion?: string;
  readonly onError?: (error: Error) => void;
  /** Reloads the trust store after a mission's key changed over the link (key.rotation). */
  readonly onKeysChanged?: () => Promise<void>;
  /**
   * Off-site backups (protocol/PROTOCOL.md): with settings, manifests are taken and the backup
   * topics subscribed to; without (no recovery key configured), neither.
   */
  readonly offsite?: OffsiteSettings;
  /** Told of each chunk frame: kept (written) or dropped. */
  readonly onBackupChunk?: (missionId: string, kept: boolean, bytes: number) => void;
}

/**
 * The hub's side of the link: takes every mission's up messages (each mission's in order, missions
 * in parallel), ingests them exactly once, answers with acks and resend requests, follows presence,
 * and publishes hub → mission envelopes. What must survive a crash is in the database.
 */
export class HubIngestLink {
  private client: mqtt.MqttClient | undefined;
  private readonly queues = new Map<string, Promise<void>>();
  /** Missions whose hello was taken since this process started: safe to publish to. */
  private readonly greeted = new Set<string>();
  private readonly startedAt = new Date();
  private subscribed = false;
  private readonly backup: BackupReceiver | undefined;

  constructor(
    private readonly db: Database,
    private readonly hub: Identity,
    private readonly trust: TrustStore,
    private readonly options: HubLinkOptions,
  ) {
    this.backup = options.offsite
      ? new BackupReceiver({
          db,
          hub,
          keyOf: (missionId) => trust.keysOf(missionId)[0]?.identity,
          publishAck: (missionId, frame) =>
            this.client?.publish(backupAckTopic(missionId), Buffer.from(frame), { qos: 1 }),
          publishDown: (missionId, envelope) => this.publishDown(missionId, envelope),
          ...(options.onBackupChunk ? { onChunk: options.onBackupChunk } : {}),
          ...(options.onError ? { onError: options.onError } : {}),
        })
      : undefined;
  }

  /** Connects and subscribes; resolves once subscribed. */
  async start(): Promise<void> {
    const client = mqtt.connect(this.options.url, {
      clientId: this.options.clientId,
      username: this.hub.partyId,
      password: this.password(),
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 2000,
      ...(this.options.ca ? { ca: this.options.ca } : {}),
    });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, new Uint8Array(payload)));
    client.on('error', (error) => this.options.onError?.(error));
    // Greeted once subscribed: a mission answers at once, and its hello must find the subscription.
    client.on('connect', () => {
      if (this.subscribed) void this.greetMissions();
    });
    // A fresh token for every reconnection: the first one has expired by then.
    client.on('reconnect', () => {
      client.options.password = this.password();
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    const shared = (topic: string) =>
      this.options.shareGroup ? `$share/${this.options.shareGroup}/${topic}` : topic;
    await client.subscribeAsync({
      [shared(ALL_UP_TOPICS)]: { qos: 1 },
      [ALL_PRESENCE_TOPICS]: { qos: 1 },
      // Each chunk is stored by one hub process, as each envelope is ingested by one.
      ...(this.backup ? { [shared(ALL_BACKUP_TOPICS)]: { qos: 1 } } : {}),
    });
    this.subscribed = true;
    void this.greetMissions();
  }

  /**
   * Publishes a sealed hub → mission envelope (already held in `outbound`), once the mission has said
   * hello since this process started: a hub restored from a dump must learn the mission's position
   * before the mission sees anything it numbered (PROTOCOL.md, "Going back in time"). Until then the
   * envelope stays held, and goes with the answer to the mission's hello.
   */
  publishDown(missionId: string, envelope: Uint8Array): void {
    // Only a sequenced message can be taken for one the mission already applied.
    const header = decodeHeader(envelope);
    if (this.greeted.has(missionId) || !header.ok || header.header.seq === 0) {
      this.send(missionId, envelope);
      return;
    }
    void hasGreetedSince(this.db, missionId, this.startedAt)
      .then((greeted) => {
        if (!greeted) return;
        this.greeted.add(missionId);
        this.send(missionId, envelope);
      })
      .catch((error: unknown) => this.options.onError?.(error as Error));
  }

  private send(missionId: string, envelope: Uint8Array): void {
    this.client?.publish(downTopic(missionId), Buffer.from(envelope), { qos: 1 });
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Waits for the messages being ingested, then disconnects. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.queues.values()]);
    await this.backup?.stop();
    await this.client?.endAsync(true);
  }

  private password(): string {
    if (this.options.credentials === 'password') return hubBrokerPassword(this.hub);
    return createBrokerToken(this.hub, Date.now());
  }

  private onMessage(topic: string, bytes: Uint8Array): void {
    const parsed = parseTopic(topic);
    if (!parsed) return;
    if (parsed.kind === 'backup') {
      this.backup?.take(parsed.missionId, bytes);
      return;
    }
    if (parsed.kind !== 'up' && parsed.kind !== 'presence') return;
    const previous = this.queues.get(parsed.missionId) ?? Promise.resolve();
    const next = previous
      .then(() =>
        parsed.kind === 'presence'
          ? recordPresence(this.db, parsed.missionId, Buffer.from(bytes).toString('utf8'), new Date()).then(
              () => this.options.onPresence?.(parsed.missionId),
            )
          : this.ingest(bytes, parsed.missionId),
      )
      .catch((error: unknown) => this.options.onError?.(error as Error));
    this.queues.set(parsed.missionId, next);
    void next.finally(() => {
      if (this.queues.get(parsed.missionId) === next) this.queues.delete(parsed.missionId);
    });
  }

  private async ingest(bytes: Uint8Array, arrivedOn: string): Promise<void> {
    const now = Date.now();
    const keyInForce = (missionId: string) => this.trust.keysOf(missionId)[0]?.identity;
    const context = {
      self: this.hub,
      trust: this.trust,
      now,
      arrivedOn,
      keyInForce,
      ...(this.options.offsite ? { offsite: this.options.offsite } : {}),
    };
    const outcome = await ingestEnvelope(this.db, bytes, context);
    this.options.onOutcome?.(outcome);
    if (outcome.status === 'refused') return;
    // Answers are sealed to the mission's key in force: a key a rotation superseded delivers its
    // backlog, but nothing more is sealed to it (and nothing at all to a revoked mission).
    const mission = this.trust.keysOf(outcome.missionId)[0]?.identity;
    if (outcome.status === 'control') {
      if (outcome.messageType === HELLO) this.greeted.add(outcome.missionId);
      if (outcome.reply && mission) this.send(outcome.missionId, sealReply(this.hub, mission, outcome.reply));
      for (const envelope of outcome.resend) this.send(outcome.missionId, envelope);
      return;
    }
    const reply = outcome.reply;
    if (reply && mission) this.send(outcome.missionId, sealReply(this.hub, mission, reply));
    if (outcome.status !== 'applied') return;
    // A rotation's certificate goes with the rest of the backlog once the trust store knows the key.
    if (outcome.messageType === KEY_ROTATION) await this.afterKeyRotation(outcome.missionId);
    else for (const envelope of outcome.resend) this.publishDown(outcome.missionId, envelope);
  }

  /**
   * A mission's key was replaced: the trust store learns it before the mission's next message is
   * taken (the old key is refused from now), then the new certificate goes down with whatever else
   * the mission has not acknowledged.
   */
  private async afterKeyRotation(missionId: string): Promise<void> {
    await this.options.onKeysChanged?.();
    for (const envelope of await unacknowledgedFrom(this.db, missionId, 1))
      this.publishDown(missionId, envelope);
  }

  /**
   * After a (re)connection, every enrolled mission gets the hub's hello with both positions of its
   * channel; it answers with its own, which sends again what it lacks and repairs a channel that
   * went back in time on either side.
   */
  private async greetMissions(): Promise<void> {
    try {
      for (const missionId of await missionsToGreet(this.db)) {
        const mission = this.trust.keysOf(missionId)[0]?.identity;
        if (!mission) continue;
        const hello = await hubHello(this.db, missionId, this.options.softwareVersion ?? 'unknown');
        this.send(missionId, sealReply(this.hub, mission, hello));
      }
    } catch (error) {
      this.options.onError?.(error as Error);
    }
  }
}
