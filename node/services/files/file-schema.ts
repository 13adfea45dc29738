import { z } from 'zod';
import { type FileState, fileStateSchema } from './workflow.js';

/** A catalogue service code, as the catalogue spells it (`passport-renewal`, `legalisation`). */
export const serviceCodeSchema = z.string().regex(/^[A-Za-z0-9._-]{1,60}$/);
/** Languages in which applicants are written to. */
export const langSchema = z.enum(['fr', 'sg', 'en']);
export type Lang = z.infer<typeof langSchema>;

const noteSchema = z.string().trim().min(1).max(1000);
/** Who acts: a staff username, `applicant:<person id>`, `system:<component>`. */
export const actorSchema = z.string().min(1).max(120);

/** Opening a file, at the counter or online. */
export const openFileSchema = z.strictObject({
  personId: z.string().min(1).max(80),
  serviceCode: serviceCodeSchema,
  channel: z.enum(['counter', 'online']),
  lang: langSchema.default('fr'),
  note: noteSchema.optional(),
});
export type OpenFileInput = z.input<typeof openFileSchema>;

/** Moving a file to another state. */
export const transitionSchema = z.strictObject({
  to: fileStateSchema,
  /** The state the agent saw: refused with state_changed when the file moved meanwhile. */
  expectedFrom: fileStateSchema.optional(),
  note: noteSchema.optional(),
});
export type TransitionInput = z.input<typeof transitionSchema>;

/** The agents' queue query. */
export const queueQuerySchema = z.strictObject({
  state: fileStateSchema,
  serviceCode: serviceCodeSchema.optional(),
  limit: z.int().min(1).max(500).default(50),
  offset: z.int().min(0).default(0),
});
export type QueueQuery = z.input<typeof queueQuerySchema>;

/** A file as agents see it (the applicant's personal data stays in the people repository). */
export interface ConsularFile {
  readonly id: string;
  readonly trackingNumber: string;
  readonly personId: string;
  readonly serviceCode: string;
  readonly channel: 'counter' | 'online';
  readonly lang: Lang;
  readonly state: FileState;
  /** When the file entered its current state. */
  readonly stateSince: string;
  readonly openedBy: string;
  readonly openedAt: string;
  readonly updatedAt: string;
}

/** One recorded move; `from` is null for the opening. */
export interface FileTransition {
  readonly from: FileState | null;
  readonly to: FileState;
  readonly actor: string;
  readonly at: string;
  readonly note?: string;
}
