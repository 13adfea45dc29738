import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startBroker } from '../hub/broker/broker.js';
import { createBrokerToken, Identity, ready, TrustStore, upTopic } from '../protocol/index.js';
import { announceSkip } from './_util/services.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const canRun = hasOpenssl();
if (!canRun) announceSkip('embedded broker over TLS', 'an openssl binary on PATH');

describe.runIf(canRun)('embedded broker TLS listener', () => {
  let dir: string;
  let broker: EmbeddedBroker;
  let cert: Buffer;
  let mission: Identity;

  beforeAll(async () => {
    await ready();
    dir = await mkdtemp(join(tmpdir(), 'econsulat-tls-'));
    // A self-signed certificate for 127.0.0.1, as an IT referent would make for a test bench.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    cert = await readFile(join(dir, 'cert.pem'));
    mission = Identity.generate('fr-paris');
    const trust = new TrustStore();
    trust.trust({ identity: mission.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
    broker = await startBroker({
      host: '127.0.0.1',
      port: 0,
      tls: { port: 0, cert, key: await readFile(join(dir, 'key.pem')) },
      trust,
      events: { refused: () => {} },
    });
  });

  afterAll(async () => {
    await broker?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function connect(ca?: Buffer): Promise<mqtt.MqttClient> {
    return new Promise((resolve, reject) => {
      const client = mqtt.connect(`mqtts://127.0.0.1:${broker.tlsPort}`, {
        clientId: 'fr-paris',
        username: 'fr-paris',
        password: createBrokerToken(mission, Date.now()),
        protocolVersion: 4,
        reconnectPeriod: 0,
        ...(ca ? { ca } : {}),
      });
      client.once('connect', () => resolve(client));
      client.once('error', (error) => {
        client.end(true);
        reject(error);
      });
    });
  }

  it('accepts a mission that trusts the broker certificate, with the same token authentication', async () => {
    expect(broker.tlsPort).toBeGreaterThan(0);
    const client = await connect(cert);
    await client.publishAsync(upTopic('fr-paris'), Buffer.from('sealed'), { qos: 1 });
    await client.endAsync();
  });

  it('is refused by a client that does not trust the certificate', async () => {
    await expect(connect()).rejects.toThrow(/self[- ]signed|certificate/i);
  });
});
