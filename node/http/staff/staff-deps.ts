import type { NodeConfig } from '../../config/config.js';
import type { Domain } from '../../services/domain.js';
import type { LiveHub } from '../live/live-hub.js';

/** What the staff API, the back office and the live socket need from the node. */
export interface StaffHttpDeps {
  readonly domain: Domain;
  readonly config: NodeConfig;
  /** Told of the changes made through these routes, for the agents' open screens. */
  readonly live?: LiveHub;
  /** The clock of "today" (the counter's day); the system clock when absent. */
  readonly now?: () => Date;
}
