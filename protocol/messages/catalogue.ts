import { z } from 'zod';
import { instantSchema, localizedTextSchema, moneySchema } from './field-schemas.js';

/** One consular service of the central catalogue. */
export const catalogueServiceSchema = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
  category: z.enum([
    'passport',
    'travel_document',
    'identity',
    'registration',
    'civil_status',
    'certificate',
    'legalisation',
    'visa',
  ]),
  name: localizedTextSchema,
  description: localizedTextSchema,
  fees: z.array(moneySchema).min(1),
  requiredDocuments: z.array(localizedTextSchema),
  processingDaysTarget: z.int().min(0).max(365),
  appointmentMinutes: z.int().min(5).max(240),
  active: z.boolean(),
});
export type CatalogueService = z.infer<typeof catalogueServiceSchema>;

/** catalogue.update — a new version of the ministry's catalogue of services and fees. */
export const CATALOGUE_UPDATE = 'catalogue.update';
export const catalogueUpdateSchema = z.strictObject({
  version: z.int().min(1),
  publishedAt: instantSchema,
  services: z.array(catalogueServiceSchema).min(1).max(500),
});
export type CatalogueUpdate = z.infer<typeof catalogueUpdateSchema>;
