import type { OpenedMessage } from '../../../protocol/index.js';
import {
  CATALOGUE_UPDATE,
  CERTIFICATE_RENEWAL,
  EVENTS_RECOVERED,
  OFFSITE_POLICY,
  OFFSITE_STATUS,
  REGISTRY_RESULT,
  REVOCATION_LIST,
} from '../../../protocol/index.js';
import { acceptRotatedCertificate } from '../key-rotation.js';
import type { LinkContext } from '../link-context.js';
import { renewCertificateFrom } from '../trust-material.js';
import { applyCatalogueUpdate } from './catalogue-update.js';
import { applyDirective } from './directive.js';
import { applyEventsRecovered } from './events-recovered.js';
import { applyOffsitePolicyMessage } from './offsite-policy.js';
import { applyOffsiteStatusMessage } from './offsite-status.js';
import { applyRegistryResult } from './registry-result.js';
import { applyRevocationList } from './revocation-list.js';

/** Applies hub → node messages inside the receiving transaction. */
export interface DownHandlers {
  apply(ctx: LinkContext, message: OpenedMessage): void;
}

/** Called after a message is applied and committed, e.g. to refresh open agent screens. */
export type AppliedListener = (message: OpenedMessage) => void;

/** The node's handler for each message type the hub sends down. */
export function downHandlers(): DownHandlers {
  return {
    apply(ctx, message) {
      switch (message.type) {
        case 'directive':
          return applyDirective(ctx, message.body);
        case CATALOGUE_UPDATE:
          return applyCatalogueUpdate(ctx, message.body);
        case REGISTRY_RESULT:
          return applyRegistryResult(ctx, message.body);
        case EVENTS_RECOVERED:
          return applyEventsRecovered(ctx, message.body);
        case REVOCATION_LIST:
          return applyRevocationList(ctx, message.body);
        case OFFSITE_POLICY:
          return applyOffsitePolicyMessage(ctx, message.body);
        case OFFSITE_STATUS:
          return applyOffsiteStatusMessage(ctx, message.body);
        case CERTIFICATE_RENEWAL:
          // The same keys renewed, or the new key of a rotation under way certified.
          if (!renewCertificateFrom(ctx.store, ctx.self, ctx.hub, message.body.certificate))
            acceptRotatedCertificate(ctx, message.body.certificate);
          return;
        default:
          // An up-only type sent down is a hub bug; it is skipped (and acknowledged) rather than
          // blocking the channel forever.
          return;
      }
    },
  };
}
