import type { ZodError } from 'zod';
import type { MessageKey, Translate } from '../../i18n/index.js';

/** A posted form: text fields, and lists for fields sent more than once (check boxes). */
export type FormFields = Readonly<Record<string, string | readonly string[]>>;

/** Field names mapped to the message shown when that field is refused. */
export type FieldMessages = Readonly<Record<string, MessageKey>>;

/** The refused fields of a form and why. */
export type FieldErrors = Readonly<Record<string, MessageKey>>;

/** What a page with a form shows again after a refusal: what was typed, and what was wrong. */
export interface FormState {
  readonly values: FormFields;
  readonly errors: FieldErrors;
  /** A refusal of the whole form (a full slot, a wrong code), already chosen as a message key. */
  readonly alert?: MessageKey;
}

/** An empty form. */
export const EMPTY_FORM: FormState = { values: {}, errors: {} };

/** The text and list fields of a posted body; anything else (objects, numbers) is dropped. */
export function formFields(body: unknown): FormFields {
  if (typeof body !== 'object' || body === null) return {};
  const fields: Record<string, string | readonly string[]> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === '_csrf') continue;
    if (typeof value === 'string') fields[name] = value;
    else if (Array.isArray(value)) fields[name] = value.filter((item) => typeof item === 'string');
  }
  return fields;
}

/** One text field (the last value when it came twice; '' when absent). */
export function textOf(fields: FormFields, name: string): string {
  const value = fields[name];
  if (value === undefined) return '';
  return typeof value === 'string' ? value : (value.at(-1) ?? '');
}

/** A multi-choice field as a list. */
export function listOf(fields: FormFields, name: string): string[] {
  const value = fields[name];
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

/** The refused fields of a zod error, each with its form's message (or the generic one). */
export function fieldErrors(error: ZodError, messages: FieldMessages): FieldErrors {
  const errors: Record<string, MessageKey> = {};
  for (const issue of error.issues) {
    // Nested input (`person.phone`, `census.skills.0`) belongs to the innermost named form field.
    const named = issue.path.map(String).filter((segment) => Object.hasOwn(messages, segment));
    const field = named.at(-1) ?? String(issue.path[0] ?? 'form');
    errors[field] ??= messages[field] ?? 'form.invalid';
  }
  return errors;
}

/** What the field partial needs for one input: its label, value, error and attributes. */
export function fieldHelper(t: Translate, form: FormState) {
  return (name: string, label: MessageKey, extra: Record<string, unknown> = {}) => {
    const error = form.errors[name];
    const hint = extra.hint as MessageKey | undefined;
    return {
      required: true,
      ...extra,
      name,
      label: t(label),
      hint: hint ? t(hint) : '',
      optional: t('form.optional'),
      value: textOf(form.values, name),
      error: error ? t(error) : '',
    };
  };
}

/** The refusals as the error summary lists them, translated, linked to their fields. */
export function errorSummary(t: Translate, form: FormState) {
  return {
    heading: t('form.errorsHeading'),
    alert: form.alert ? t(form.alert) : '',
    list: Object.entries(form.errors).map(([name, key]) => ({ name, message: t(key) })),
  };
}
