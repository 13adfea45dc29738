import { can, type Permission } from '../../services/users/permissions.js';
import type { MinistryUser } from '../../services/users/user-rows.js';
import { WEB_BASE } from './web-deps.js';

/** One entry of the menu, shown to the users holding its permission. */
export interface NavEntry {
  readonly href: string;
  readonly label: string;
  readonly permission: Permission;
  /** Place in the menu, smallest first (the built-in entries use 10, 20, 30, 40). */
  readonly order: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The web menu: page plugins add their entries with `app.hubNav.add(…)`. */
    hubNav: HubNav;
  }
}

/** The web menu of one hub app. */
export class HubNav {
  private readonly entries: NavEntry[] = [];

  constructor(initial: readonly NavEntry[] = DEFAULT_NAV) {
    for (const entry of initial) this.add(entry);
  }

  /** Adds an entry (an entry with the same href replaces the earlier one). */
  add(entry: NavEntry): void {
    const index = this.entries.findIndex((existing) => existing.href === entry.href);
    if (index >= 0) this.entries.splice(index, 1);
    this.entries.push(entry);
    this.entries.sort((a, b) => a.order - b.order);
  }

  /** The entries a user may follow, in menu order. */
  visibleTo(user: MinistryUser | undefined): NavEntry[] {
    return user ? this.entries.filter((entry) => can(user, entry.permission)) : [];
  }
}

/**
 * The built-in menu. The registry's pages add "Registre" (order 40) when they are registered:
 * `app.hubNav.add({ href: \`${WEB_BASE}/registre\`, label: 'Registre', permission: 'registry.read', order: 40 })`.
 */
export const DEFAULT_NAV: readonly NavEntry[] = [
  { href: `${WEB_BASE}/tableau-de-bord`, label: 'Tableau de bord', permission: 'dashboard.read', order: 10 },
  { href: `${WEB_BASE}/missions`, label: 'Missions', permission: 'missions.read', order: 20 },
  { href: `${WEB_BASE}/directives`, label: 'Directives', permission: 'directives.read', order: 30 },
];
