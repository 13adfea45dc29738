import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { newRowId } from '../node/db/row-id.js';
import { newEvent } from '../node/services/outbox/outbox.js';
import { eventSchema } from '../protocol/index.js';

describe('node row ids', () => {
  it('are RFC 9562 version 7 UUIDs carrying the time in their first 48 bits', () => {
    vi.useFakeTimers({ now: new Date('2026-11-27T10:00:00.123Z'), toFake: ['Date'] });
    try {
      const id = newRowId();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(z.uuid().safeParse(id).success).toBe(true);
      expect(Number.parseInt(id.replace('-', '').slice(0, 12), 16)).toBe(
        Date.parse('2026-11-27T10:00:00.123Z'),
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it('sort by creation time across milliseconds and never repeat', () => {
    vi.useFakeTimers({ now: 1_800_000_000_000, toFake: ['Date'] });
    try {
      const ids: string[] = [];
      for (let ms = 0; ms < 50; ms++) {
        for (let i = 0; i < 20; i++) ids.push(newRowId());
        vi.advanceTimersByTime(1);
      }
      expect(new Set(ids).size).toBe(ids.length);
      // Within a millisecond the order is random; across milliseconds it is the order of creation.
      const times = ids.map((id) => id.slice(0, 13));
      expect([...times].sort()).toEqual(times);
      expect(new Set(times).size).toBe(50);
    } finally {
      vi.useRealTimers();
    }
  });

  it('make outbox events the protocol accepts', () => {
    const event = newEvent({ kind: 'person.created', entity: 'person', entityId: newRowId(), data: {} });
    expect(eventSchema.safeParse(event).success).toBe(true);
  });
});
