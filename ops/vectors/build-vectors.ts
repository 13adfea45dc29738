import { channelKeys } from '../../protocol/channel-keys.js';
import {
  createEnrolmentRequest,
  fromHex,
  Identity,
  issueCertificate,
  type MessageBody,
  type MessageType,
  ready,
  seal,
  signRevocationList,
  toHex,
} from '../../protocol/index.js';

/** Fixed seeds: public test material, never used outside vectors and tests. */
const SEEDS = {
  hub: { sign: '01'.repeat(32), box: '02'.repeat(32) },
  'fr-paris': { sign: '03'.repeat(32), box: '04'.repeat(32) },
} as const;

const T0 = Date.UTC(2026, 10, 1, 9, 0, 0);

interface EnvelopeCase {
  name: string;
  from: keyof typeof SEEDS;
  to: keyof typeof SEEDS;
  type: MessageType;
  seq: number;
  body: unknown;
}

const CASES: EnvelopeCase[] = [
  { name: 'control ack, uncompressed', from: 'hub', to: 'fr-paris', type: 'ack', seq: 0, body: { upTo: 41 } },
  {
    name: 'directive receipt, uncompressed',
    from: 'fr-paris',
    to: 'hub',
    type: 'directive.receipt',
    seq: 7,
    body: { directiveId: '0b7f6c1e-2a53-4c1b-9d7e-5f3a8b9c0d12', receivedAt: '2026-11-01T09:00:00.000Z' },
  },
  {
    name: 'events batch, deflated',
    from: 'fr-paris',
    to: 'hub',
    type: 'events.batch',
    seq: 8,
    body: {
      events: Array.from({ length: 12 }, (_, i) => ({
        id: `5d2c6f0a-3b1e-4c7d-8e9f-${String(i).padStart(12, '0')}`,
        kind: 'appointment.booked',
        entity: 'appointment',
        entityId: `RDV-${1000 + i}`,
        at: new Date(T0 + i * 60_000).toISOString(),
        data: { service: 'passport-renewal', slot: '2026-11-20T08:30:00.000Z', status: 'booked' },
      })),
    },
  },
];

function identity(party: keyof typeof SEEDS): Identity {
  return Identity.fromSeeds(party, fromHex(SEEDS[party].sign), fromHex(SEEDS[party].box));
}

/** Builds the vectors file: keys, channel keys, envelopes and a certificate, all from fixed inputs. */
export async function buildVectors(): Promise<unknown> {
  await ready();
  const parties = Object.fromEntries(
    (Object.keys(SEEDS) as (keyof typeof SEEDS)[]).map((party) => {
      const id = identity(party);
      return [
        party,
        {
          signSeed: SEEDS[party].sign,
          boxSeed: SEEDS[party].box,
          keyId: id.keyId,
          signPublicKey: toHex(id.signPublicKey),
          boxPublicKey: toHex(id.boxPublicKey),
        },
      ];
    }),
  );
  const keys = channelKeys(identity('fr-paris'), identity('hub').toPublic(), true);
  const envelopes = CASES.map((c, i) => {
    const messageId = `${(i + 1).toString(16).padStart(2, '0')}`.repeat(16);
    const nonce = `${(i + 0xa0).toString(16)}`.repeat(24);
    const timestamp = T0 + i * 1000;
    const bytes = seal({
      sender: identity(c.from),
      recipient: identity(c.to).toPublic(),
      type: c.type,
      body: c.body as MessageBody<typeof c.type>,
      seq: c.seq,
      timestamp,
      messageId,
      nonce: fromHex(nonce),
    });
    return { ...c, timestamp, messageId, nonce, envelope: toHex(bytes) };
  });
  const request = createEnrolmentRequest(
    identity('fr-paris'),
    'Ambassade de la République centrafricaine à Paris',
    new Date(T0),
  );
  const certificate = issueCertificate(identity('hub'), request, {
    serial: 1,
    notBefore: new Date(T0),
    notAfter: new Date(T0 + 2 * 365 * 86_400_000),
    issuedAt: new Date(T0),
  });
  const revocations = signRevocationList(identity('hub'), 1, [], new Date(T0));
  return {
    description:
      'e-Consulat RCA protocol v1 test vectors. Seeds are public test material. Envelopes whose body is deflated are checked by opening only: deflate output may differ between zlib builds.',
    parties,
    channelKeys: [{ from: 'fr-paris', to: 'hub', aeadKey: toHex(keys.aeadKey), macKey: toHex(keys.macKey) }],
    envelopes,
    enrolmentRequest: request,
    certificate,
    revocationList: revocations,
  };
}
