import type { z } from 'zod';

/** A form's fields as posted: empty inputs arrive as empty strings. */
export type PostedForm = Readonly<Record<string, string | undefined>>;

/** The fields with a value, trimmed: an input left empty means "not given". */
export function filledFields(form: PostedForm): Record<string, string> {
  const filled: Record<string, string> = {};
  for (const [name, value] of Object.entries(form)) {
    const trimmed = value?.trim();
    if (name !== '_csrf' && trimmed) filled[name] = trimmed;
  }
  return filled;
}

/**
 * The French message of each field a schema refused, by field name (the first issue of each),
 * from a table of messages; a field without its own message gets the generic one.
 */
export function fieldErrors(
  error: z.ZodError,
  messages: Readonly<Record<string, string>>,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    if (errors[field] === undefined) errors[field] = messages[field] ?? 'Valeur invalide.';
  }
  return errors;
}
