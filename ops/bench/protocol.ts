import {
  type EventsBatch,
  Identity,
  open,
  ready,
  seal,
  sodium,
  TrustStore,
  utf8,
} from '../../protocol/index.js';
import { figure, median, opsPerSecond } from './measure.js';

const ROUNDS = 7;
const ROUND_MS = 400;

/** An events batch whose JSON is about `bytes` long: realistic content, so deflate does what it would. */
function batchOfSize(bytes: number): EventsBatch {
  const events: EventsBatch['events'] = [];
  let i = 0;
  while (JSON.stringify({ events }).length < bytes) {
    events.push({
      id: crypto.randomUUID(),
      kind: i % 3 ? 'file.transitioned' : 'appointment.booked',
      entity: i % 3 ? 'file' : 'appointment',
      entityId: `PAR-${(100000 + i * 7919).toString(36).toUpperCase()}`,
      at: new Date(Date.UTC(2026, 10, 2, 8) + i * 61_000).toISOString(),
      data: {
        service: ['passport', 'visa', 'civil-status'][i % 3] ?? '',
        state: i % 2 ? 'in_review' : 'submitted',
        agent: `agent-${i % 5}`,
      },
    });
    i++;
  }
  if (events.length > 1) events.pop();
  // Pad the last event so the JSON is exactly the size asked for.
  const last = events[events.length - 1];
  if (last) last.data.note = 'x'.repeat(Math.max(0, bytes - JSON.stringify({ events }).length - 10));
  return { events };
}

/** Envelope seal+open against raw libsodium sign+verify+AEAD on the same body bytes. */
export async function benchProtocol(): Promise<void> {
  await ready();
  const node = Identity.generate('fr-paris');
  const hub = Identity.generate('hub');
  const trust = new TrustStore();
  trust.trust({ identity: node.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
  const key = sodium.crypto_aead_xchacha20poly1305_ietf_keygen();

  console.log(
    'protocol: envelope seal+open vs raw libsodium Ed25519 sign+verify + XChaCha20-Poly1305 encrypt+decrypt',
  );
  console.log(`rounds: ${ROUNDS} × ${ROUND_MS} ms each, medians; node ${process.version}`);
  for (const size of [512, 64 * 1024]) {
    const body = batchOfSize(size);
    const bodyBytes = utf8(JSON.stringify(body));
    let seq = 1;
    const envelopeRoundTrip = () => {
      const bytes = seal({
        sender: node,
        recipient: hub.toPublic(),
        type: 'events.batch',
        body,
        seq: seq++,
        timestamp: Date.now(),
      });
      const opened = open(bytes, { self: hub, trust, now: Date.now() });
      if (!opened.ok) throw new Error(opened.reason);
    };
    const rawRoundTrip = () => {
      const signature = sodium.crypto_sign_detached(bodyBytes, node.signSecretKey);
      const nonce = sodium.randombytes_buf(24);
      const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(bodyBytes, null, null, nonce, key);
      const plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, null, nonce, key);
      if (!sodium.crypto_sign_verify_detached(signature, plain, node.signPublicKey))
        throw new Error('verify');
    };
    const ours: number[] = [];
    const raw: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const r = opsPerSecond(rawRoundTrip, ROUND_MS);
      const o = opsPerSecond(envelopeRoundTrip, ROUND_MS);
      raw.push(r);
      ours.push(o);
      ratios.push(o / r);
    }
    const wire = seal({
      sender: node,
      recipient: hub.toPublic(),
      type: 'events.batch',
      body,
      seq: 1,
      timestamp: Date.now(),
    });
    console.log(
      `body ${bodyBytes.length} B (${body.events.length} events, ${wire.length} B on the wire): ` +
        `envelope ${figure(median(ours))} seal+open/s, raw ${figure(median(raw))}/s, ratio ${median(ratios).toFixed(2)} (target ≥ 0.50)`,
    );
  }
}
