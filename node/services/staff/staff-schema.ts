import { z } from 'zod';
import { StaffError, StaffErrorCode } from './errors.js';
import { STAFF_ROLES, type StaffRole } from './permissions.js';

/** A staff account as the back office shows it. Holds no secret. */
export interface StaffUser {
  readonly id: string;
  /** Lower case; the login name and the `actor` of audit entries. */
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly StaffRole[];
  readonly active: boolean;
  /** A temporary password (set by an admin) must be replaced before anything else. */
  readonly mustChangePassword: boolean;
  readonly totpEnrolled: boolean;
  readonly lastLoginAt?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Login names: lower case letters, digits, `.`, `_`, `-`; they appear in the audit log. */
export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9._-]{1,31}$/, 'a username is 2–32 of a–z, 0–9, ".", "_", "-", starting with a letter');

/** A non-empty set of roles, duplicates removed, in the canonical order. */
export const rolesSchema = z
  .array(z.enum(STAFF_ROLES))
  .min(1)
  .max(STAFF_ROLES.length * 2)
  .transform((roles) => STAFF_ROLES.filter((role) => roles.includes(role)));

/** Fields of a new account, given by an admin. */
export const newStaffSchema = z.strictObject({
  username: usernameSchema,
  displayName: z.string().trim().min(1).max(200),
  roles: rolesSchema,
});

/** Input of a new account, before validation. */
export type NewStaffInput = z.input<typeof newStaffSchema>;

/** A TOTP or recovery code as typed. */
export const codeSchema = z.string().max(64);

/** Login form. Lengths bounded before anything reaches argon2id; the rest is checked by the flow. */
export const loginSchema = z.strictObject({
  username: z.string().max(64),
  password: z.string().max(1024),
  /** A TOTP code, or a recovery code; absent only before TOTP enrolment. */
  code: codeSchema.optional(),
});

/** Input of a login, before validation. */
export type LoginInput = z.input<typeof loginSchema>;

/** Password change by the account's owner. */
export const passwordChangeSchema = z.strictObject({
  currentPassword: z.string().max(1024),
  newPassword: z.string().max(1024),
});

/** Input of a password change. */
export type PasswordChangeInput = z.input<typeof passwordChangeSchema>;

/** Staff account ids are UUIDs. */
export const staffIdSchema = z.uuid();

/** Parses with a schema, turning a ZodError into {@link StaffError} `invalid_input` (cause kept). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => issue.path.join('.') || '(input)').join(', ');
    throw new StaffError(
      StaffErrorCode.InvalidInput,
      `invalid input: ${fields}`,
      {},
      { cause: result.error },
    );
  }
  return result.data;
}
