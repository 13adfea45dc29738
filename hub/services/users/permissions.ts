/** The ministry's roles at the hub. A user may hold several (a director is often also an auditor). */
export const MINISTRY_ROLES = ['minister_office', 'directorate', 'registry_officer', 'auditor'] as const;

/** One of {@link MINISTRY_ROLES}. */
export type MinistryRole = (typeof MINISTRY_ROLES)[number];

/**
 * Who may do what at the hub. Each permission lists the roles that grant it; anything absent is
 * denied.
 * - minister_office: the minister's cabinet — writes directives, reads everything operational.
 * - directorate: the consular directorate — directives, missions, catalogue, users, the audit.
 * - registry_officer: état civil — resolves registry matches and conflicts.
 * - auditor: read-only, including the audit trail; changes nothing.
 */
export const PERMISSIONS = {
  'directives.write': ['minister_office', 'directorate'],
  'directives.read': ['minister_office', 'directorate', 'registry_officer', 'auditor'],
  'missions.read': ['minister_office', 'directorate', 'registry_officer', 'auditor'],
  'missions.manage': ['directorate'],
  'dashboard.read': ['minister_office', 'directorate', 'registry_officer', 'auditor'],
  'catalogue.write': ['directorate'],
  'registry.read': ['registry_officer', 'directorate', 'auditor'],
  'registry.review': ['registry_officer'],
  'audit.read': ['auditor', 'directorate'],
  'users.manage': ['directorate'],
  'offsite.restore': ['directorate'],
  'visas.revoke': ['directorate'],
  // The people a crisis roll-call found in need of help: those who act on it, not every reader.
  'roll_calls.people': ['minister_office', 'directorate'],
} as const satisfies Record<string, readonly MinistryRole[]>;

/** A permission name of {@link PERMISSIONS}. */
export type Permission = keyof typeof PERMISSIONS;

/** What {@link can} looks at. */
export interface PermissionSubject {
  readonly roles: readonly string[];
  readonly active?: boolean;
}

/**
 * Whether the subject may use the permission. Deny by default: no subject, a deactivated one, an
 * unknown permission (a typo in a route, a name from another release) or no granting role all
 * give false. Takes any string so that route tables built from configuration stay checkable.
 */
export function can(
  subject: PermissionSubject | null | undefined,
  permission: Permission | (string & {}),
): boolean {
  if (!subject || subject.active === false) return false;
  if (!Object.hasOwn(PERMISSIONS, permission)) return false;
  const granted: readonly string[] = PERMISSIONS[permission as Permission];
  return subject.roles.some((role) => granted.includes(role));
}

/** Whether a string names a ministry role (input from the API and the CLI). */
export function isMinistryRole(value: string): value is MinistryRole {
  return (MINISTRY_ROLES as readonly string[]).includes(value);
}
