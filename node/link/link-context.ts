import type { Identity, PublicIdentity, TrustStore } from '../../protocol/index.js';
import type { Store } from '../db/store.js';

/** What the link needs to seal and open: the store, our identity, the pinned hub, the clock. */
export interface LinkContext {
  readonly store: Store;
  readonly self: Identity;
  readonly hub: PublicIdentity;
  /** Holds the pinned hub keys and the revocation list in force. */
  readonly trust: TrustStore;
  readonly now: () => number;
  readonly softwareVersion: string;
  /** Bounds of one events batch. */
  readonly batch: { readonly maxEvents: number; readonly maxBytes: number };
  /** The new key of a rotation under way (keys/identity.next.key), read when its certificate comes. */
  readonly nextIdentity?: () => Identity | undefined;
}
