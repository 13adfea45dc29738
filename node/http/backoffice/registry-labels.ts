import { z } from 'zod';
import { IDENTITY_DOCUMENT_KINDS, type IdentityDocumentKind } from '../../../protocol/index.js';
import type { RegistryState } from '../../services/registrations/registration-rows.js';
import { missionTime } from '../staff/staff-clock.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';

/** Where a record stands with the national registry, as agents read it. */
export const REGISTRY_STATE_LABELS: Readonly<Record<RegistryState, string>> = {
  none: 'Non transmis',
  submitted: 'Transmis, réponse attendue',
  reconciled: 'Rapproché',
  review: 'Signalé pour examen',
};

/** The registry's decisions (protocol `registry.result`), as agents read them. */
export const REGISTRY_DECISION_LABELS: Readonly<Record<string, string>> = {
  match: 'Personne connue du registre',
  new: 'Nouvelle inscription au registre',
  review: 'À examiner par l’officier du registre',
};

/** The identity documents an agent may say they checked, as agents read them. */
export const DOCUMENT_KIND_LABELS: Readonly<Record<IdentityDocumentKind, string>> = {
  passport: 'Passeport',
  national_id_card: 'Carte nationale d’identité',
  consular_card: 'Carte consulaire',
  birth_certificate: 'Acte de naissance',
  marriage_certificate: 'Acte de mariage',
  death_certificate: 'Acte de décès',
};

/** The choices of a form's identity document list. */
export const DOCUMENT_KIND_CHOICES = IDENTITY_DOCUMENT_KINDS.map((value) => ({
  value,
  label: DOCUMENT_KIND_LABELS[value],
}));

/**
 * A form's identity document: one of the kinds, or nothing chosen, which sends the record to the
 * national registry as unchecked (an officer at the ministry then decides).
 */
export const documentKindField = z.union([z.enum(IDENTITY_DOCUMENT_KINDS), z.literal('')]).optional();

/** The check a form's field records, if any. */
export function checkFromField(kind: IdentityDocumentKind | '' | undefined) {
  return kind ? { documentKind: kind } : undefined;
}

/** The registry's answer on a record, ready for a page. */
export interface RegistryView {
  readonly state: RegistryState;
  readonly stateLabel: string;
  readonly decision: string | null;
  readonly decidedAt: string | null;
  readonly nationalId: string | null;
  /** True when the registry asked for a human look: the page flags it. */
  readonly flagged: boolean;
}

/** The registry part of a registration or transcription, labelled and in the mission's time. */
export function registryView(
  deps: StaffHttpDeps,
  registry: { state: RegistryState; decision: string | null; decidedAt: string | null },
  nationalId: string | undefined,
): RegistryView {
  return {
    state: registry.state,
    stateLabel: REGISTRY_STATE_LABELS[registry.state],
    decision:
      registry.decision === null ? null : (REGISTRY_DECISION_LABELS[registry.decision] ?? registry.decision),
    decidedAt: registry.decidedAt === null ? null : missionTime(deps, registry.decidedAt),
    nationalId: nationalId ?? null,
    flagged: registry.state === 'review',
  };
}
