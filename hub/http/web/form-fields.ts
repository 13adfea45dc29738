import { z } from 'zod';

// The field rules the ministry's web forms share, with their messages in French.

/** An HTML form sends empty fields as '': they are absent. */
export const blankIsAbsent = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** A text field that must be filled, trimmed, at most `max` characters. */
export const requiredText = (label: string, max: number) =>
  z
    .string({ error: `${label} est obligatoire.` })
    .trim()
    .min(1, `${label} est obligatoire.`)
    .max(max, `${label} : ${max} caractères au plus.`);

/** A text field that may be left empty, trimmed, at most `max` characters. */
export const optionalText = (label: string, max: number) =>
  z.preprocess(blankIsAbsent, z.string().trim().max(max, `${label} : ${max} caractères au plus.`).optional());
