import { loadTrustStore, type TrustStore } from '../trust-store.js';
import type { PageStorage } from './page-dom.js';

// The last trust bundle the officer loaded, kept in the browser's localStorage so the page works
// the next day with no file to pick again: its text as loaded, and when it was loaded.

const STORAGE_KEY = 'econsulat.vds.trust-bundle';

/** A trust bundle in use, with what the page shows of it. */
export interface LoadedTrust {
  readonly store: TrustStore;
  /** When the officer loaded it on this device (ISO instant). */
  readonly savedAt: string;
}

/** Reads and checks a bundle's text (loadTrustStore's checks); throws what is wrong with it. */
export async function trustFromText(text: string, savedAt: string): Promise<LoadedTrust> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('not JSON / pas du JSON');
  }
  return { store: await loadTrustStore(json), savedAt };
}

/** Keeps a bundle that was just checked; false when the browser keeps nothing. */
export function rememberTrust(storage: PageStorage | null, text: string, savedAt: string): boolean {
  if (!storage) return false;
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify({ text, savedAt }));
    return true;
  } catch {
    return false; // full, or refused by the browser: the bundle still serves until the page closes
  }
}

/** The bundle kept by an earlier visit, checked again; null when there is none or it no longer loads. */
export async function recallTrust(storage: PageStorage | null): Promise<LoadedTrust | null> {
  try {
    const kept = storage?.getItem(STORAGE_KEY);
    if (!kept) return null;
    const { text, savedAt } = JSON.parse(kept) as { text?: unknown; savedAt?: unknown };
    if (typeof text !== 'string' || typeof savedAt !== 'string') return null;
    return await trustFromText(text, savedAt);
  } catch {
    return null;
  }
}
