import type { Identity, TrustStore } from '../../../protocol/index.js';
import type { Database } from '../../db/database.js';
import { type DirectiveDetail, loadDirectiveDetail } from './directive-detail.js';
import { type DirectiveListRow, loadDirectiveList } from './directive-list.js';
import { directiveWithStatus } from './directive-status.js';
import { type DirectiveTarget, directiveTargets } from './directive-targets.js';
import { type DirectiveInput, type IssuedDirective, issueDirective } from './issue-directive.js';

/** What the directives service is built from. */
export interface DirectivesServiceOptions {
  readonly db: Database;
  readonly hub: Identity;
  readonly trust: TrustStore;
  /** Publishes a sealed envelope to a mission once committed (the hub's link). */
  readonly publish: (missionId: string, envelope: Uint8Array) => void;
  readonly now: () => Date;
}

/** The ministry's directives: issued, listed with their counts, followed mission by mission. */
export interface DirectivesService {
  /** The latest directives with how many missions received, acknowledged, are overdue. */
  list(): Promise<DirectiveListRow[]>;
  /** A directive with its state at each target mission (the web page and its CSV). */
  detail(directiveId: string): Promise<DirectiveDetail | undefined>;
  /** A directive with its status per target mission as the JSON API gives it. */
  status(directiveId: string): ReturnType<typeof directiveWithStatus>;
  /** The missions the form offers: enrolled and not revoked. */
  targets(): Promise<DirectiveTarget[]>;
  /** Records, seals and holds a directive for its missions, then publishes it once committed. */
  issue(input: DirectiveInput, issuedBy: string): Promise<IssuedDirective>;
}

/** Wires the directives service over the store, the ministry's key and the link. */
export function createDirectivesService(options: DirectivesServiceOptions): DirectivesService {
  const { db, now } = options;
  return {
    list: () => loadDirectiveList(db, now()),
    detail: (directiveId) => loadDirectiveDetail(db, directiveId, now()),
    status: (directiveId) => directiveWithStatus(db, directiveId),
    targets: () => directiveTargets(db),
    async issue(input, issuedBy) {
      const issued = await issueDirective(db, options.hub, options.trust, input, issuedBy, now());
      for (const { missionId, envelope } of issued.envelopes) options.publish(missionId, envelope);
      return issued;
    },
  };
}
