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
  upTopic,
} from '../../protocol/index.js';
import type { Database } from '../db/database.js';
import { IngestLeaseLost } from '../ingest/channel-row.js';
import { ingestEnvelope } from '../ingest/ingest-envelope.js';
import type { IngestOutcome } from '../ingest/ingest-types.js';
import type { OffsiteSettings } from '../services/offsite/offsite-settings.js';
import { unacknowledgedFrom } from '../services/outbound.js';
import { BackupReceiver } from './backup-receiver.js';
import { hasGreetedSince, hubHello, missionsToGreet } from './greeting.js';
import { LeaseKeeper, type LeaseKeeperOptions } from './lease-keeper.js';
import { recordPresence } from './presence.js';
import { sealReply } from './replies.js';

/** How the hub reaches the broker. */
export interface HubLinkOptions {
  readonly url: string;
  readonly ca?: string | Buffer;
  /** MQTT client id; unique per hub process. */
  readonly clientId: string;
  /**
   * With an external broker, hub processes share the off-site backup chunks through
   * `$share/<group>/…`, and the up channels too when they take no leases.
   */
  readonly shareGroup?: string;
  /**
   * Several hub processes (hub/README.md, "Several hub processes"): each mission's up topic is
   * subscribed to, without sharing, by the one process holding its lease. `claims: false` (a
   * process without the ingest role) takes no mission.
   */
  readonly leases?: LeaseKeeperOptions;
  /** False: this process publishes to missions but takes nothing from them (no ingest role). */
  readonly ingest?: boolean;
  /** Told of an envelope dropped because another process took its mission's lease over. */
  readonly onLeaseLost?: (missionId: string) => void;
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
  private readonly keeper: LeaseKeeper | undefined;

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
    this.keeper = options.leases
      ? new LeaseKeeper(db, options.leases, {
          acquired: (missionIds) => this.takeMissions(missionIds),
          lost: (missionIds) => this.dropMissions(missionIds),
          ...(options.onError ? { onError: options.onError } : {}),
        })
      : undefined;
  }

  /** The lease holder id of this process, when it takes leases. */
  get leaseHolder(): string | undefined {
    return this.keeper?.holder;
  }

  /** The missions whose up channel this process takes, with leases; undefined without. */
  get leasedMissions(): readonly string[] | undefined {
    return this.keeper?.missions;
  }

  private get takesIngest(): boolean {
    return this.options.ingest !== false;
  }

  /** Connects and subscribes; resolves once subscribed. */
  async start(): Promise<void> {
    const client = mqtt.connect(this.options.url, {
      clientId: this.options.clientId,
      username: this.hub.partyId,
      password: this.password(),
      // With leases the subscriptions are exactly the leases held, made again on each connection
      // (mqtt.js resubscribes): a persistent session would outlive a killed process and keep
      // queueing its missions' envelopes at the broker for nobody.
      clean: this.keeper !== undefined || !this.takesIngest,
      protocolVersion: 4,
      reconnectPeriod: 2000,
      ...(this.options.ca ? { ca: this.options.ca } : {}),
    });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, new Uint8Array(payload)));
    client.on('error', (error) => this.options.onError?.(error));
    // Greeted once subscribed: a mission answers at once, and its hello must find the subscription.
    client.on('connect', () => {
      if (!this.subscribed || !this.takesIngest) return;
      void (this.keeper ? this.greetEach(this.keeper.missions) : this.greetMissions());
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
    if (this.takesIngest) {
      await client.subscribeAsync({
        // With leases, each mission's up topic is subscribed to by its holder (takeMissions).
        ...(this.keeper ? {} : { [shared(ALL_UP_TOPICS)]: { qos: 1 } }),
        [ALL_PRESENCE_TOPICS]: { qos: 1 },
        // Each chunk is stored by one hub process, as each envelope is ingested by one.
        ...(this.backup ? { [shared(ALL_BACKUP_TOPICS)]: { qos: 1 } } : {}),
      });
    }
    this.subscribed = true;
    if (this.keeper) await this.keeper.start();
    else if (this.takesIngest) void this.greetMissions();
  }

  /**
   * Missions whose lease this process just took: subscribed to, then greeted, so that each answers
   * with its hello and sends again at once whatever the hub has not applied (PROTOCOL.md, "Several
   * hub processes"), instead of waiting for its resend timer.
   */
  private async takeMissions(missionIds: readonly string[]): Promise<void> {
    const client = this.client;
    if (!client || missionIds.length === 0) return;
    // A mission enrolled since the trust store was last loaded (by another process or the console).
    if (missionIds.some((id) => this.trust.keysOf(id).length === 0)) await this.options.onKeysChanged?.();
    await client.subscribeAsync(
      Object.fromEntries(missionIds.map((id) => [upTopic(id), { qos: 1 as const }])),
    );
    // A mission that never sent anything has no channel yet, nor anything to send again.
    const withChannel = new Set(await missionsToGreet(this.db));
    await this.greetEach(missionIds.filter((id) => withChannel.has(id)));
  }

  /** Missions whose lease is gone or given back: no more of their envelopes come here. */
  private async dropMissions(missionIds: readonly string[]): Promise<void> {
    const client = this.client;
    if (missionIds.length === 0) return;
    if (client?.connected) {
      await client.unsubscribeAsync(missionIds.map((id) => upTopic(id))).catch(() => undefined);
    }
    // What is already queued meets the lease check and is dropped, applying nothing.
    await Promise.allSettled(missionIds.map((id) => this.queues.get(id)));
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
    // Among several processes, a hello taken by any of them since the oldest still running started.
    const fleetStart = this.keeper?.fleetStartedAt ?? this.startedAt;
    const since = new Date(Math.min(fleetStart.getTime(), this.startedAt.getTime()));
    void hasGreetedSince(this.db, missionId, since)
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
    // The leases are given back first: the other processes take the missions at their next round.
    await this.keeper?.stop();
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
    const lease = this.keeper ? { holder: this.keeper.holder } : undefined;
    let outcome: IngestOutcome;
    try {
      outcome = await ingestEnvelope(this.db, bytes, context, lease);
    } catch (error) {
      if (!(error instanceof IngestLeaseLost)) throw error;
      this.options.onLeaseLost?.(error.missionId);
      return;
    }
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
      await this.greetEach(await missionsToGreet(this.db));
    } catch (error) {
      this.options.onError?.(error as Error);
    }
  }

  private async greetEach(missionIds: readonly string[]): Promise<void> {
    try {
      for (const missionId of missionIds) {
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
