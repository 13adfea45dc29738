/** The back-office roles. A user may hold several (a small mission's consul is often its admin). */
export const STAFF_ROLES = ['agent', 'consul', 'admin', 'auditor'] as const;

/** One of {@link STAFF_ROLES}. */
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * Who may do what. Each permission lists the roles that grant it; anything absent is denied.
 * - agent: the counter — check-in, files, cash.
 * - consul: head of the consular section — decisions, directives, cash closing, reading the audit.
 * - admin: staff accounts only; an admin does not handle applicants' files unless also agent/consul.
 * - auditor: read-only on the audit log and the money, changes nothing.
 */
export const PERMISSIONS = {
  'appointments.read': ['agent', 'consul'],
  'appointments.checkin': ['agent', 'consul'],
  'appointments.manage': ['consul'],
  'files.read': ['agent', 'consul', 'auditor'],
  'files.open': ['agent', 'consul'],
  'files.transition': ['agent', 'consul'],
  'files.decide': ['consul'],
  // Scans of passports and certificates: those who handle the file, not the auditor.
  'files.documents': ['agent', 'consul'],
  'payments.read': ['agent', 'consul', 'auditor'],
  'payments.record': ['agent'],
  'payments.refund': ['consul'],
  'payments.close_day': ['agent', 'consul'],
  'registrations.manage': ['agent', 'consul'],
  'civil_status.manage': ['agent', 'consul'],
  'directives.read': ['agent', 'consul', 'auditor'],
  'directives.acknowledge': ['consul'],
  // Crisis roll-calls: the consul starts and closes one; the agents follow up on the answers.
  'roll_calls.manage': ['consul'],
  'roll_calls.read': ['agent', 'consul'],
  'roll_calls.follow_up': ['agent', 'consul'],
  // What the hub returned after a restore: the counter staff re-enter it, the auditor reads it.
  'recovery.read': ['agent', 'consul', 'auditor'],
  'recovery.review': ['agent', 'consul'],
  // Visas and laissez-passer: agents check and issue, the consul decides (issue 17).
  'visas.read': ['agent', 'consul', 'auditor'],
  'visas.prepare': ['agent', 'consul'],
  'visas.decide': ['consul'],
  'visas.issue': ['agent', 'consul'],
  'catalogue.manage': ['consul', 'admin'],
  'staff.manage': ['admin'],
  'audit.read': ['auditor', 'admin', 'consul'],
} as const satisfies Record<string, readonly StaffRole[]>;

/** A permission name of {@link PERMISSIONS}. */
export type Permission = keyof typeof PERMISSIONS;

/** What {@link can} looks at: the roles held, and what the account must still do before using them. */
export interface PermissionSubject {
  readonly roles: readonly StaffRole[];
  /** Steps left before the account may act (password change, TOTP enrolment); any step denies all. */
  readonly pending?: readonly string[];
}

/**
 * Whether the subject may use the permission. Deny by default: an unknown permission (a typo in a
 * route, a name from an older release), a subject with no roles, or one that has not finished its
 * enrolment gets false.
 */
export function can(subject: PermissionSubject | null | undefined, permission: Permission): boolean {
  if (!subject || (subject.pending !== undefined && subject.pending.length > 0)) return false;
  if (!Object.hasOwn(PERMISSIONS, permission)) return false;
  const granted: readonly StaffRole[] = PERMISSIONS[permission];
  return subject.roles.some((role) => granted.includes(role));
}

/** Whether a string names a role (input from forms and the CLI). */
export function isStaffRole(value: string): value is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(value);
}
