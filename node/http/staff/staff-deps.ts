import type { NodeConfig } from '../../config/config.js';
import type { Domain } from '../../services/domain.js';

/** What the staff API, the back office and the live socket need from the node. */
export interface StaffHttpDeps {
  readonly domain: Domain;
  readonly config: NodeConfig;
  /** The clock of "today" (the counter's day); the system clock when absent. */
  readonly now?: () => Date;
}
