import type { z } from 'zod';
import { type CreateUserInput, createUserSchema } from '../../services/users/user-management.js';

/** What the creation form's fields held, as typed (never the password): shown again when refused. */
export interface UserFormValues {
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly string[];
}

/** A blank form. */
export const EMPTY_USER_FORM: UserFormValues = { username: '', displayName: '', roles: [] };

/** The form read: an account to create, or a French message per field (`form` for the whole). */
export type UserFormResult =
  | { readonly ok: true; readonly input: CreateUserInput; readonly values: UserFormValues }
  | {
      readonly ok: false;
      readonly errors: Readonly<Record<string, string>>;
      readonly values: UserFormValues;
    };

/** Why a field was refused, in the form's words (zod's own messages are the API's). */
const FIELD_MESSAGE: Readonly<Record<string, string>> = {
  username: 'Identifiant : 3 à 64 caractères, lettres minuscules, chiffres, point, tiret ou souligné.',
  displayName: 'Le nom est obligatoire (200 caractères au plus).',
  roles: 'Cochez au moins un rôle.',
  password: 'Mot de passe trop long.',
};

/** The roles ticked, however many (an HTML form sends one value, several, or none). */
export function checkedValues(value: unknown): string[] {
  return [value].flat().filter((item): item is string => typeof item === 'string');
}

/** Reads the posted creation form (`_csrf` aside); an empty password asks the hub to make one. */
export function readUserForm(body: unknown): UserFormResult {
  const {
    _csrf: _token,
    password,
    ...fields
  } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof fields[key] === 'string' ? (fields[key] as string) : '');
  const values = {
    username: text('username'),
    displayName: text('displayName'),
    roles: checkedValues(fields.roles),
  };
  const parsed = createUserSchema.safeParse({
    ...fields,
    roles: values.roles,
    ...(password === undefined || password === '' ? {} : { password }),
  });
  if (parsed.success) return { ok: true, input: parsed.data, values };
  return { ok: false, errors: fieldErrors(parsed.error), values };
}

function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.code === 'unrecognized_keys' ? 'form' : String(issue.path[0] ?? 'form');
    errors[field] ??= FIELD_MESSAGE[field] ?? 'Le formulaire contient des champs inconnus.';
  }
  return errors;
}
