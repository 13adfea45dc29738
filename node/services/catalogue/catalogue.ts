import { CatalogueEvents } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { appendEvent, newEvent } from '../outbox/outbox.js';
import { decodeServiceRow, type ServiceRow, selectService, selectServices } from './catalogue-rows.js';
import {
  type Language,
  type LocalizedService,
  type MissionService,
  type ServiceOverride,
  serviceOverrideSchema,
} from './catalogue-schema.js';
import { CatalogueError, CatalogueErrorCode } from './errors.js';

/** Entity name of services in the audit log and the outbox. */
export const SERVICE_ENTITY = 'service';

/** A service with the mission's overrides applied: what the mission actually offers and charges. */
export interface EffectiveService extends MissionService {
  readonly localFees: boolean;
  /** True while the Sango texts await a native speaker's review. */
  readonly sgReview: boolean;
}

/** The services in force, in the given language (a missing or empty translation falls back to fr). */
export function listServices(
  store: Store,
  lang: Language,
  options: { includeInactive?: boolean } = {},
): LocalizedService[] {
  return selectServices(store.db)
    .map(effective)
    .filter((service) => options.includeInactive || service.active)
    .map((service) => localize(service, lang));
}

/** One service in the given language, inactive ones included; undefined when unknown. */
export function getService(store: Store, code: string, lang: Language): LocalizedService | undefined {
  const row = selectService(store.db, code);
  return row ? localize(effective(row), lang) : undefined;
}

/** The service in force, or throws `unknown_service` when it does not exist or is not offered. */
export function requireActiveService(store: Store, code: string): EffectiveService {
  const row = selectService(store.db, code);
  const service = row ? effective(row) : undefined;
  if (!service?.active) {
    throw new CatalogueError(CatalogueErrorCode.UnknownService, `no service ${code} is offered`);
  }
  return service;
}

/**
 * Sets (or with `null` removes) the mission's local fees or active flag of a service. Fees are
 * money: the change is audited and reported to the hub in the same transaction.
 */
export function setServiceOverride(
  store: Store,
  code: string,
  input: ServiceOverride,
  actor: string,
  now: Date = new Date(),
): EffectiveService {
  const parsed = serviceOverrideSchema.safeParse(input);
  if (!parsed.success) {
    throw new CatalogueError(CatalogueErrorCode.InvalidInput, 'invalid override', { cause: parsed.error });
  }
  const { db } = store;
  const at = now.toISOString();
  return immediateTransaction(db, () => {
    const before = selectService(db, code);
    if (!before) throw new CatalogueError(CatalogueErrorCode.UnknownService, `no service ${code}`);
    const fees = pick(parsed.data.fees, before.override_fees, (value) => JSON.stringify(value));
    const active = pick(parsed.data.active, before.override_active, (value) => (value ? 1 : 0));
    db.prepare(
      `INSERT INTO service_overrides (service_code, fees, active, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (service_code) DO UPDATE SET fees = excluded.fees, active = excluded.active,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    ).run(code, fees, active, actor, at);
    const after = effective(selectService(db, code) as ServiceRow);
    recordOverride(store, { code, actor, at, before: effective(before), after });
    return after;
  });
}

// undefined keeps the current override, null clears it, a value replaces it.
function pick<T, S>(value: T | null | undefined, current: S | null, encode: (value: T) => S): S | null {
  if (value === undefined) return current;
  return value === null ? null : encode(value);
}

function recordOverride(
  store: Store,
  change: { code: string; actor: string; at: string; before: EffectiveService; after: EffectiveService },
): void {
  const digest = (service: EffectiveService) =>
    digestRecord(store.keys.audit, { fees: service.fees, active: service.active });
  appendAudit(store.db, {
    actor: change.actor,
    action: CatalogueEvents.ServiceOverridden,
    entity: SERVICE_ENTITY,
    entityId: change.code,
    beforeDigest: digest(change.before),
    afterDigest: digest(change.after),
    at: change.at,
  });
  const data = { fees: change.after.fees, active: change.after.active, localFees: change.after.localFees };
  appendEvent(
    store,
    newEvent({
      kind: CatalogueEvents.ServiceOverridden,
      entity: SERVICE_ENTITY,
      entityId: change.code,
      at: change.at,
      data,
    }),
  );
}

function effective(row: ServiceRow): EffectiveService {
  const service = decodeServiceRow(row);
  return {
    ...service,
    fees: row.override_fees === null ? service.fees : JSON.parse(row.override_fees),
    active: row.override_active === null ? service.active : row.override_active === 1,
    localFees: row.override_fees !== null,
    sgReview: row.sg_review === 1,
  };
}

/** Picks one language of a localised text, falling back to French when it is missing or empty. */
export function pickLanguage(text: { fr: string; sg?: string; en?: string }, lang: Language): string {
  const chosen = lang === 'fr' ? undefined : text[lang];
  return chosen !== undefined && chosen.trim() !== '' ? chosen : text.fr;
}

function localize(service: EffectiveService, lang: Language): LocalizedService {
  return {
    code: service.code,
    category: service.category,
    name: pickLanguage(service.name, lang),
    description: pickLanguage(service.description, lang),
    fees: service.fees,
    requiredDocuments: service.requiredDocuments.map((text) => pickLanguage(text, lang)),
    processingDaysTarget: service.processingDaysTarget,
    appointmentMinutes: service.appointmentMinutes,
    faq: service.faq.map((entry) => ({
      question: pickLanguage(entry.question, lang),
      answer: pickLanguage(entry.answer, lang),
    })),
    ...(service.formRef === undefined ? {} : { formRef: service.formRef }),
    active: service.active,
    localFees: service.localFees,
  };
}
