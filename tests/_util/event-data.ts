/**
 * Event data as the node's services write it, for tests that put events in an outbox by hand:
 * the outbox refuses data that does not fit its kind (protocol/messages/event-kinds.ts).
 */

/** An `appointment.*` event's data. */
export function bookedData(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    serviceCode: 'passport-renewal',
    slotStart: '2026-12-01T09:00:00.000Z',
    state: 'confirmed',
    ...extra,
  };
}

/** A `file.opened` event's data. */
export function fileOpenedData(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { serviceCode: 'passport-renewal', channel: 'counter', state: 'submitted', ...extra };
}
