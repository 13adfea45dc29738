import { request } from 'node:http';
import { applicant } from './appointments.js';
import { waitForBookingCode } from './portal-server.js';

/** Bookings made through a running node's public API, over real sockets, as applicants make them. */
export interface PublicBookings {
  /** Holds and confirms `count` bookings on the node at `url`; resolves with their references. */
  book(url: string, count: number): Promise<string[]>;
}

const SERVICE = 'passport-renewal';
/** Bookings in flight at once: enough to keep the node busy, few enough for a 2-core machine. */
const IN_FLIGHT = 20;

/**
 * Each applicant comes from an address of their own on the loopback network (127.0.1.1, …), as
 * applicants reach a mission from their own phones, with a number in one of many operators'
 * ranges: the public API's limits per address and per minute, and the node's caps on SMS per
 * number prefix, stay the production ones. The confirmation code is read from the development SMS
 * gateway's file, as the applicant's phone would receive it. Places are taken from the node's
 * slot listing when this is made, so later bookings never compete for a full slot.
 */
export async function publicBookings(url: string, smsFile: string): Promise<PublicBookings> {
  const places = await freePlaces(url);
  let applicants = 0;
  const bookOne = async (base: string): Promise<string> => {
    const n = ++applicants;
    const from = `127.0.${1 + Math.floor(n / 250)}.${1 + (n % 250)}`;
    const slotStart = places.shift();
    if (slotStart === undefined) throw new Error('no free place left in the listing');
    const held = await postJson(`${base}/api/v1/appointments`, from, {
      service: SERVICE,
      slotStart,
      ...applicant(n),
      phone: ownPhone(n),
    });
    if (held.status !== 201) throw new Error(`booking ${n}: ${held.status} ${held.body}`);
    const { reference } = JSON.parse(held.body) as { reference: string };
    const { code } = await waitForBookingCode(smsFile, reference, 60_000);
    const confirmed = await postJson(`${base}/api/v1/appointments/${reference}/confirm`, from, { code });
    if (confirmed.status !== 200)
      throw new Error(`confirming ${reference}: ${confirmed.status} ${confirmed.body}`);
    return reference;
  };
  return {
    async book(base, count) {
      const references: string[] = [];
      let started = 0;
      const worker = async () => {
        while (started < count) {
          started += 1;
          references.push(await bookOne(base));
        }
      };
      await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, worker));
      return references;
    },
  };
}

/** The n-th applicant's own number, in one of 50 French mobile prefixes in turn (+33 640…689). */
function ownPhone(n: number): string {
  return `+33${640 + (n % 50)}${String(n % 1_000_000).padStart(6, '0')}`;
}

/** Every free place of the next four weeks, one entry per place, earliest first. */
async function freePlaces(base: string): Promise<string[]> {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const response = await fetch(`${base}/api/v1/slots?service=${SERVICE}&from=${day(1)}&to=${day(28)}`);
  if (!response.ok) throw new Error(`slots: ${response.status} ${await response.text()}`);
  const { slots } = (await response.json()) as { slots: { start: string; remaining: number }[] };
  return slots.flatMap((slot) => Array.from({ length: slot.remaining }, () => slot.start));
}

/** A JSON POST from a given local address; the answer's status and body. */
function postJson(
  url: string,
  localAddress: string,
  body: unknown,
): Promise<{ status: number; body: string }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        response.on('error', reject);
      },
    );
    sent.on('error', reject);
    sent.end(payload);
  });
}
