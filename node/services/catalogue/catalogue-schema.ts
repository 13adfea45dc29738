import { z } from 'zod';
import { catalogueServiceSchema, localizedTextSchema, moneySchema } from '../../../protocol/index.js';

/** A language of the service: French (the default), Sango, English. */
export const languageSchema = z.enum(['fr', 'sg', 'en']);
export type Language = z.infer<typeof languageSchema>;

/** One question and its answer, each in fr (required), sg and en. */
export const faqEntrySchema = z.strictObject({
  question: localizedTextSchema,
  answer: localizedTextSchema,
});
export type FaqEntry = z.infer<typeof faqEntrySchema>;

/**
 * A service as the mission holds it: the hub's fields plus the mission's own FAQ and printable
 * form reference (a file name under the portal's forms folder).
 */
export const missionServiceSchema = catalogueServiceSchema.extend({
  faq: z.array(faqEntrySchema).max(50),
  formRef: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,79}$/)
    .optional(),
});
export type MissionService = z.infer<typeof missionServiceSchema>;

/** What a mission may set over the hub's values; `null` removes an override. */
export const serviceOverrideSchema = z.strictObject({
  fees: z.array(moneySchema).min(1).max(5).nullable().optional(),
  active: z.boolean().nullable().optional(),
});
export type ServiceOverride = z.input<typeof serviceOverrideSchema>;

/** A service in one language, with the fees and state in force at this mission. */
export interface LocalizedService {
  readonly code: string;
  readonly category: MissionService['category'];
  readonly name: string;
  readonly description: string;
  readonly fees: readonly { amountMinor: number; currency: string }[];
  readonly requiredDocuments: readonly string[];
  readonly processingDaysTarget: number;
  readonly appointmentMinutes: number;
  readonly faq: readonly { question: string; answer: string }[];
  readonly formRef?: string;
  readonly active: boolean;
  /** True when the fees come from the mission's override rather than the ministry. */
  readonly localFees: boolean;
}
