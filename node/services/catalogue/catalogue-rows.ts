import type { Db } from '../../db/db.js';
import type { MissionService } from './catalogue-schema.js';

/** A service row joined with the mission's override. */
export interface ServiceRow {
  code: string;
  category: string;
  name: string;
  description: string;
  fees: string;
  required_documents: string;
  processing_days_target: number;
  appointment_minutes: number;
  faq: string;
  form_ref: string | null;
  active: number;
  sg_review: number;
  source: 'seed' | 'hub';
  catalogue_version: number;
  updated_at: string;
  override_fees: string | null;
  override_active: number | null;
}

/** Where a service's values came from. */
export interface ServiceOrigin {
  readonly source: 'seed' | 'hub';
  readonly version: number;
  readonly sgReview: boolean;
  readonly at: string;
}

const SELECT = `SELECT s.*, o.fees AS override_fees, o.active AS override_active
  FROM services s LEFT JOIN service_overrides o ON o.service_code = s.code`;

/** Every service with its override, by code. */
export function selectServices(db: Db): ServiceRow[] {
  return db.prepare(`${SELECT} ORDER BY s.category, s.code`).all() as ServiceRow[];
}

/** One service with its override. */
export function selectService(db: Db, code: string): ServiceRow | undefined {
  return db.prepare(`${SELECT} WHERE s.code = ?`).get(code) as ServiceRow | undefined;
}

// A hub update replaces what the ministry owns and leaves the mission's FAQ and form alone, unless
// it brings a service the mission did not know yet.
const UPSERT = `INSERT INTO services (code, category, name, description, fees, required_documents,
    processing_days_target, appointment_minutes, faq, form_ref, active, sg_review, source, catalogue_version, updated_at)
  VALUES (@code, @category, @name, @description, @fees, @requiredDocuments, @processingDaysTarget,
    @appointmentMinutes, @faq, @formRef, @active, @sgReview, @source, @version, @at)
  ON CONFLICT (code) DO UPDATE SET category = excluded.category, name = excluded.name,
    description = excluded.description, fees = excluded.fees, required_documents = excluded.required_documents,
    processing_days_target = excluded.processing_days_target, appointment_minutes = excluded.appointment_minutes,
    active = excluded.active, sg_review = excluded.sg_review, source = excluded.source,
    catalogue_version = excluded.catalogue_version, updated_at = excluded.updated_at`;

/** Inserts or replaces the ministry's fields of a service. */
export function upsertService(
  db: Db,
  service: Omit<MissionService, 'faq' | 'formRef'> & Partial<Pick<MissionService, 'faq' | 'formRef'>>,
  origin: ServiceOrigin,
): void {
  db.prepare(UPSERT).run({
    code: service.code,
    category: service.category,
    name: JSON.stringify(service.name),
    description: JSON.stringify(service.description),
    fees: JSON.stringify(service.fees),
    requiredDocuments: JSON.stringify(service.requiredDocuments),
    processingDaysTarget: service.processingDaysTarget,
    appointmentMinutes: service.appointmentMinutes,
    faq: JSON.stringify(service.faq ?? []),
    formRef: service.formRef ?? null,
    active: service.active ? 1 : 0,
    sgReview: origin.sgReview ? 1 : 0,
    source: origin.source,
    version: origin.version,
    at: origin.at,
  });
}

/** Turns a row back into the service as the hub and the seed describe it (before overrides). */
export function decodeServiceRow(row: ServiceRow): MissionService {
  return {
    code: row.code,
    category: row.category as MissionService['category'],
    name: JSON.parse(row.name),
    description: JSON.parse(row.description),
    fees: JSON.parse(row.fees),
    requiredDocuments: JSON.parse(row.required_documents),
    processingDaysTarget: row.processing_days_target,
    appointmentMinutes: row.appointment_minutes,
    faq: JSON.parse(row.faq),
    ...(row.form_ref === null ? {} : { formRef: row.form_ref }),
    active: row.active === 1,
  };
}
