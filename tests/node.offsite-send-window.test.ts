import { describe, expect, it } from 'vitest';
import {
  createSendWindow,
  OFFSITE_WINDOW,
  OFFSITE_WINDOW_WIDEST,
} from '../node/backup/offsite/send-window.js';

const MiB = 1024 * 1024;

describe('the off-site sender’s window', () => {
  it('starts narrow and widens, frames in proportion, while frames are acknowledged fast', () => {
    const window = createSendWindow();
    expect({ frames: window.frames, bytes: window.bytes }).toEqual(OFFSITE_WINDOW);
    // One window's worth acknowledged within a second doubles it, as slow start does.
    for (let i = 0; i < 4; i++) window.acknowledged(MiB, 300);
    expect(window.bytes).toBe(8 * MiB);
    expect(window.frames).toBe(512);
    for (let i = 0; i < 100; i++) window.acknowledged(MiB, 300);
    expect({ frames: window.frames, bytes: window.bytes }).toEqual(OFFSITE_WINDOW_WIDEST);
  });

  it('holds between fast and slow, and falls back to narrow on one slow acknowledgement', () => {
    const window = createSendWindow();
    for (let i = 0; i < 8; i++) window.acknowledged(MiB, 800);
    expect(window.bytes).toBe(12 * MiB);
    window.acknowledged(MiB, 4_000);
    expect(window.bytes).toBe(12 * MiB);
    // Frames queueing on a link slower than the policy's rate: what waits is cut back at once.
    window.acknowledged(16 * 1024, 10_000);
    expect({ frames: window.frames, bytes: window.bytes }).toEqual(OFFSITE_WINDOW);
  });

  it('starts narrow again when told (a new connection)', () => {
    const window = createSendWindow();
    for (let i = 0; i < 12; i++) window.acknowledged(MiB, 10);
    expect(window.bytes).toBe(OFFSITE_WINDOW_WIDEST.bytes);
    window.narrow();
    expect({ frames: window.frames, bytes: window.bytes }).toEqual(OFFSITE_WINDOW);
  });

  it('stays where it is when the narrow and widest bounds are the same', () => {
    const fixed = { frames: 4, bytes: 48 * 1024 };
    const window = createSendWindow(fixed, fixed);
    for (let i = 0; i < 10; i++) window.acknowledged(16 * 1024, 1);
    expect({ frames: window.frames, bytes: window.bytes }).toEqual(fixed);
  });
});
