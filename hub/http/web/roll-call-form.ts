import { z } from 'zod';
import { missionIdSchema } from '../../../protocol/index.js';
import type { RollCallInput } from '../../services/roll-calls/start-roll-call.js';
import { blankIsAbsent, optionalText, requiredText } from './form-fields.js';

/** What the form's fields held, as typed: shown again (escaped by the view) when it is refused. */
export interface RollCallFormValues {
  readonly title: string;
  readonly messageFr: string;
  readonly messageSg: string;
  readonly messageEn: string;
  readonly zone: string;
  readonly places: string;
  readonly endsAt: string;
  readonly needHelpList: boolean;
  readonly target: string;
  readonly missions: readonly string[];
}

/** A blank form: every registered national of every mission. */
export const EMPTY_ROLL_CALL_FORM: RollCallFormValues = {
  title: '',
  messageFr: '',
  messageSg: '',
  messageEn: '',
  zone: 'all',
  places: '',
  endsAt: '',
  needHelpList: false,
  target: 'all',
  missions: [],
};

/** The form read: a roll-call to order, or a French message per field (`form` for the whole). */
export type RollCallFormResult =
  | { readonly ok: true; readonly input: RollCallInput; readonly values: RollCallFormValues }
  | {
      readonly ok: false;
      readonly errors: Readonly<Record<string, string>>;
      readonly values: RollCallFormValues;
    };

// One SMS holds the message with a household's names and the answer codes (PROTOCOL.md).
const message = (label: string) => optionalText(label, 240);

const formSchema = z.strictObject({
  title: requiredText('Le titre', 60),
  messageFr: requiredText('Le message', 240),
  messageSg: message('Le message en sango'),
  messageEn: message('Le message en anglais'),
  zone: z.enum(['all', 'cities', 'regions'], { error: 'Choisissez la zone.' }),
  places: z.preprocess(blankIsAbsent, z.string().max(5000).optional()),
  // `datetime-local` gives `2026-04-01T09:30`, read as UTC as the page says.
  endsAt: z
    .string({ error: 'La fin est obligatoire.' })
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'Date et heure attendues (AAAA-MM-JJ HH:MM).'),
  needHelpList: z.literal('yes', { error: 'Case à cocher invalide.' }).optional(),
  target: z.enum(['all', 'some'], { error: 'Choisissez les missions destinataires.' }),
  missions: z.preprocess(
    (value) => (value === undefined ? [] : [value].flat()),
    z.array(missionIdSchema, { error: 'Mission inconnue.' }).max(500, 'Au plus 500 missions.'),
  ),
});
type FormFields = z.output<typeof formSchema>;

/** Reads the posted form (`_csrf` aside); a message left blank in sango or English is the French one. */
export function readRollCallForm(body: unknown, now: Date): RollCallFormResult {
  const { _csrf: _token, ...fields } = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  const values = typedValues(fields);
  const parsed = formSchema.safeParse(fields);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error), values };
  const errors: Record<string, string> = {};
  const places = placesOf(parsed.data.places);
  if (parsed.data.zone !== 'all' && places.length === 0)
    errors.places = 'Nommez au moins une ville ou une région, une par ligne.';
  if (places.length > 50 || places.some((place) => place.length > 100))
    errors.places = 'Au plus 50 lieux de 100 caractères.';
  const endsAt = new Date(`${parsed.data.endsAt}Z`);
  if (Number.isNaN(endsAt.getTime())) errors.endsAt = 'Cette date n’existe pas.';
  else if (endsAt.getTime() <= now.getTime()) errors.endsAt = 'La fin doit être à venir.';
  if (parsed.data.target === 'some' && parsed.data.missions.length === 0)
    errors.missions = 'Cochez au moins une mission, ou choisissez « toutes les missions ».';
  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return { ok: true, input: toInput(parsed.data, places, endsAt), values };
}

function placesOf(text: string | undefined): string[] {
  return [
    ...new Set(
      (text ?? '')
        .split(/[\n,;]/)
        .map((place) => place.trim())
        .filter(Boolean),
    ),
  ];
}

function toInput(fields: FormFields, places: string[], endsAt: Date): RollCallInput {
  const zone =
    fields.zone === 'all'
      ? { all: true as const }
      : fields.zone === 'cities'
        ? { cities: places }
        : { regions: places };
  return {
    title: fields.title,
    message: {
      fr: fields.messageFr,
      sg: fields.messageSg ?? fields.messageFr,
      en: fields.messageEn ?? fields.messageFr,
    },
    zone,
    endsAt: endsAt.toISOString(),
    needHelpList: fields.needHelpList === 'yes',
    target: fields.target === 'all' ? 'all' : [...new Set(fields.missions)],
  };
}

function typedValues(fields: Record<string, unknown>): RollCallFormValues {
  const str = (key: string) => (typeof fields[key] === 'string' ? (fields[key] as string) : '');
  const missions = fields.missions === undefined ? [] : [fields.missions].flat().map(String);
  return {
    title: str('title'),
    messageFr: str('messageFr'),
    messageSg: str('messageSg'),
    messageEn: str('messageEn'),
    zone: str('zone') || 'all',
    places: str('places'),
    endsAt: str('endsAt'),
    needHelpList: fields.needHelpList === 'yes',
    target: str('target') || 'all',
    missions,
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
