import { formatCell } from '../../dashboards/format.js';
import { MINISTRY_ROLES, type MinistryRole } from '../../services/users/permissions.js';
import type { UserListing } from '../../services/users/user-listing.js';
import { WEB_BASE } from './web-deps.js';

/** The pages of the ministry's accounts. */
export const USERS_PATH = `${WEB_BASE}/utilisateurs`;

/** The roles as the ministry names them (hub/services/users/permissions.ts says what each may do). */
export const ROLE_LABEL: Readonly<Record<MinistryRole, string>> = {
  minister_office: 'Cabinet du ministre',
  directorate: 'Direction des affaires consulaires',
  registry_officer: 'Officier d’état civil',
  auditor: 'Auditeur',
};

/** The page of one account. */
export function userHref(username: string): string {
  return `${USERS_PATH}/${encodeURIComponent(username)}`;
}

/** An account as the pages show it: French labels, instants in UTC. */
export function userRow(user: UserListing) {
  return {
    username: user.username,
    displayName: user.displayName,
    href: userHref(user.username),
    roles: user.roles.map((role) => ROLE_LABEL[role]).join(', '),
    active: user.active ? 'oui' : 'non',
    totpEnrolled: user.totpEnrolled ? 'oui' : 'non (connexion impossible)',
    lockedUntil: user.lockedUntil ? formatCell(new Date(user.lockedUntil), 'instant') : '—',
    isLocked: user.lockedUntil !== null,
    lastLoginAt: user.lastLoginAt ? formatCell(new Date(user.lastLoginAt), 'instant') : 'jamais',
  };
}

/** Checkboxes of the roles, those given ticked. */
export function roleChoices(checked: readonly string[]) {
  return MINISTRY_ROLES.map((role) => ({
    value: role,
    label: ROLE_LABEL[role],
    checked: checked.includes(role),
  }));
}
