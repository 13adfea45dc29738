import type { Store } from '../../db/store.js';
import { type EffectiveService, getService, listServices, requireActiveService } from './catalogue.js';
import type { Language, LocalizedService } from './catalogue-schema.js';

/** What the catalogue service needs. */
export interface CatalogueServiceDeps {
  readonly store: Store;
}

/** The consular services this mission offers, with its own fee and activity overrides applied. */
export interface CatalogueService {
  /** The services in force, in one language (a missing translation falls back to fr). */
  listServices(lang: Language, options?: { includeInactive?: boolean }): LocalizedService[];
  /** One service in one language, inactive ones included; undefined when unknown. */
  getService(code: string, lang: Language): LocalizedService | undefined;
  /** The service in force, or a CatalogueError `unknown_service` when it is unknown or not offered. */
  requireActiveService(code: string): EffectiveService;
}

/** Builds the catalogue service over a store. */
export function createCatalogueService(deps: CatalogueServiceDeps): CatalogueService {
  const { store } = deps;
  return {
    listServices: (lang, options) => listServices(store, lang, options),
    getService: (code, lang) => getService(store, code, lang),
    requireActiveService: (code) => requireActiveService(store, code),
  };
}
