import { z } from 'zod';
import { missionIdSchema } from '../../../protocol/index.js';
import type { DirectiveInput } from '../../services/directives/issue-directive.js';
import { blankIsAbsent, optionalText, requiredText } from './form-fields.js';

/** What the form's fields held, as typed: shown again (escaped by the view) when it is refused. */
export interface DirectiveFormValues {
  readonly title: string;
  readonly body: string;
  readonly titleSg: string;
  readonly bodySg: string;
  readonly titleEn: string;
  readonly bodyEn: string;
  readonly priority: string;
  readonly target: string;
  readonly missions: readonly string[];
  readonly effectiveAt: string;
  readonly expiresAt: string;
  readonly requiresAck: boolean;
}

/** A blank form: normal priority, every mission, acknowledgement asked. */
export const EMPTY_FORM: DirectiveFormValues = {
  title: '',
  body: '',
  titleSg: '',
  bodySg: '',
  titleEn: '',
  bodyEn: '',
  priority: 'normal',
  target: 'all',
  missions: [],
  effectiveAt: '',
  expiresAt: '',
  requiresAck: true,
};

/** The form read: a directive to issue, or a French message per field (`form` for the whole). */
export type DirectiveFormResult =
  | { readonly ok: true; readonly input: DirectiveInput; readonly values: DirectiveFormValues }
  | {
      readonly ok: false;
      readonly errors: Readonly<Record<string, string>>;
      readonly values: DirectiveFormValues;
    };

// `datetime-local` gives `2026-04-01T09:30` (seconds optional), read as UTC as the page says.
const instant = z.preprocess(
  blankIsAbsent,
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'Date et heure attendues (AAAA-MM-JJ HH:MM).')
    .transform((value, context) => {
      const at = new Date(`${value}Z`);
      if (!Number.isNaN(at.getTime())) return at.toISOString();
      context.addIssue({ code: 'custom', message: 'Cette date n’existe pas.' });
      return z.NEVER;
    })
    .optional(),
);

const formSchema = z.strictObject({
  title: requiredText('Le titre', 200),
  body: requiredText('Le texte', 4000),
  titleSg: optionalText('Le titre en sango', 200),
  bodySg: optionalText('Le texte en sango', 4000),
  titleEn: optionalText('Le titre en anglais', 200),
  bodyEn: optionalText('Le texte en anglais', 4000),
  priority: z.enum(['low', 'normal', 'high', 'urgent'], { error: 'Choisissez une priorité.' }),
  target: z.enum(['all', 'some'], { error: 'Choisissez les missions destinataires.' }),
  missions: z.preprocess(
    (value) => (value === undefined ? [] : [value].flat()),
    z.array(missionIdSchema, { error: 'Mission inconnue.' }).max(500, 'Au plus 500 missions.'),
  ),
  effectiveAt: instant,
  expiresAt: instant,
  requiresAck: z.literal('yes', { error: 'Case à cocher invalide.' }).optional(),
});

type FormFields = z.output<typeof formSchema>;

/** Reads the posted form (`_csrf` aside) against the rules of a directive; `now` dates an immediate one. */
export function readDirectiveForm(body: unknown, now: Date): DirectiveFormResult {
  const { _csrf: _token, ...fields } = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  const values = typedValues(fields);
  const parsed = formSchema.safeParse(fields);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error), values };
  const errors = crossFieldErrors(parsed.data, now);
  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return { ok: true, input: toInput(parsed.data), values };
}

function crossFieldErrors(fields: FormFields, now: Date): Record<string, string> {
  const errors: Record<string, string> = {};
  if (fields.target === 'some' && fields.missions.length === 0)
    errors.missions = 'Cochez au moins une mission, ou choisissez « toutes les missions ».';
  const effective = fields.effectiveAt ?? now.toISOString();
  if (fields.expiresAt && fields.expiresAt <= effective)
    errors.expiresAt = 'L’expiration doit suivre l’entrée en vigueur.';
  return errors;
}

function toInput(fields: FormFields): DirectiveInput {
  const localized = (fr: string, sg: string | undefined, en: string | undefined) => ({
    fr,
    ...(sg ? { sg } : {}),
    ...(en ? { en } : {}),
  });
  return {
    title: localized(fields.title, fields.titleSg, fields.titleEn),
    body: localized(fields.body, fields.bodySg, fields.bodyEn),
    priority: fields.priority,
    target: fields.target === 'all' ? 'all' : [...new Set(fields.missions)],
    ...(fields.effectiveAt ? { effectiveAt: fields.effectiveAt } : {}),
    ...(fields.expiresAt ? { expiresAt: fields.expiresAt } : {}),
    requiresAck: fields.requiresAck === 'yes',
  };
}

function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.code === 'unrecognized_keys' ? 'form' : String(issue.path[0] ?? 'form');
    errors[field] ??= field === 'form' ? 'Le formulaire contient des champs inconnus.' : issue.message;
  }
  return errors;
}

function typedValues(fields: Record<string, unknown>): DirectiveFormValues {
  const text = (key: keyof DirectiveFormValues) => {
    const value = fields[key];
    return typeof value === 'string' ? value : '';
  };
  const missions = [fields.missions].flat().filter((value): value is string => typeof value === 'string');
  return {
    title: text('title'),
    body: text('body'),
    titleSg: text('titleSg'),
    bodySg: text('bodySg'),
    titleEn: text('titleEn'),
    bodyEn: text('bodyEn'),
    priority: text('priority'),
    target: text('target'),
    missions,
    effectiveAt: text('effectiveAt'),
    expiresAt: text('expiresAt'),
    requiresAck: fields.requiresAck === 'yes',
  };
}
