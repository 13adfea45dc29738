import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { parseInput, RegistrationError, RegistrationErrorCode } from './errors.js';
import { type IdentityCheckInput, identityCheckInputSchema, recordIdentityCheck } from './identity-check.js';
import { REGISTRATION_ENTITY, RegistrationEvent } from './registration-census.js';
import { changeRegistration, type RegistrationContext } from './registration-change.js';
import { appendConsent } from './registration-consent.js';
import type { Registration, RegistrationDetails } from './registration-rows.js';
import {
  type Census,
  type ConsentChange,
  censusSchema,
  consentChangeSchema,
  type DetailsPatch,
  detailsPatchSchema,
} from './registration-schema.js';
import { queueRegistrationSubmission } from './registration-submit.js';

/** Why a national leaves the mission's register. */
export const DEREGISTRATION_REASONS = [
  'moved_away',
  'deceased',
  'duplicate',
  'consent_withdrawn',
  'other',
] as const;
export type DeregistrationReason = (typeof DEREGISTRATION_REASONS)[number];

const reasonSchema = z.string().trim().min(1).max(500);
const cardSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9-]{4,30}$/);

/**
 * An agent has seen the documents: verified, and the national registry is asked about the person.
 * With `check`, the agent records which identity document they held; the registry answers with a
 * national ID number only then. Without it the submission goes as unchecked and an officer at the
 * ministry decides (protocol/PROTOCOL.md, "The national registry").
 */
export function verifyRegistration(
  ctx: RegistrationContext,
  id: string,
  actor: string,
  check?: IdentityCheckInput,
): Registration {
  const document = check === undefined ? undefined : parseInput(identityCheckInputSchema, check).documentKind;
  return changeRegistration(ctx, {
    id,
    actor,
    kind: RegistrationEvent.Verified,
    to: 'verified',
    apply: (before) => ({
      ...before,
      state: 'verified',
      registry: { state: 'submitted', submissionId: randomUUID(), decision: null, decidedAt: null },
    }),
    alongside: (draft, at) => {
      const checked =
        document === undefined
          ? undefined
          : recordIdentityCheck(ctx.store, REGISTRATION_ENTITY, draft.id, document, actor, at);
      queueRegistrationSubmission(ctx, draft, at, checked);
    },
  });
}

/** Activates a verified registration for the mission's validity period, with its card number if issued. */
export function activateRegistration(
  ctx: RegistrationContext,
  id: string,
  actor: string,
  consularCardNumber?: string,
): Registration {
  const card = consularCardNumber === undefined ? undefined : parseInput(cardSchema, consularCardNumber);
  return changeRegistration(ctx, {
    id,
    actor,
    kind: RegistrationEvent.Activated,
    to: 'active',
    apply: (before, at) => ({
      ...before,
      state: 'active',
      expiresAt: plusYears(at, ctx.validityYears),
      details: card === undefined ? before.details : { ...before.details, consularCardNumber: card },
    }),
  });
}

/** Records the consular card number once the card is issued (verified or active registrations). */
export function issueConsularCard(ctx: RegistrationContext, id: string, actor: string, cardNumber: string) {
  const card = parseInput(cardSchema, cardNumber);
  return changeRegistration(ctx, {
    id,
    actor,
    kind: RegistrationEvent.DetailsUpdated,
    silent: true,
    apply: (before) => {
      if (before.state !== 'verified' && before.state !== 'active')
        throw notAllowed(before, 'receive a card');
      return { ...before, details: { ...before.details, consularCardNumber: card } };
    },
  });
}

/** Refuses a registration (documents missing or not convincing), with the reason. */
export function rejectRegistration(ctx: RegistrationContext, id: string, actor: string, reason: string) {
  const why = parseInput(reasonSchema, reason);
  return changeRegistration(ctx, {
    id,
    actor,
    kind: RegistrationEvent.Rejected,
    to: 'rejected',
    reason: why,
    apply: (before) => ({ ...before, state: 'rejected' }),
  });
}

/** Renews an active or expired registration for another validity period. */
export function renewRegistration(ctx: RegistrationContext, id: string, actor: string): Registration {
  return changeRegistration(ctx, {
    id,
    actor,
    kind: RegistrationEvent.Renewed,
    to: 'active',
    apply: (before, at) => {
      if (before.state !== 'active' && before.state !== 'expired') throw notAllowed(before, 'be renewed');
      // An early renewal extends the current period rather than shortening it.
      const from = before.expiresAt !== null && before.expiresAt > at ? before.expiresAt : at;
      return { ...before, state: 'active', expiresAt: plusYears(from, ctx.validityYears) };
    },
  });
}

/** Expires every active registration whose period has ended; returns their ids. */
export function expireDueRegistrations(ctx: RegistrationContext, actor = 'system:registration-expiry') {
  const now = ctx.now().toISOString();
  const due = ctx.store.db
    .prepare("SELECT id FROM registrations WHERE state = 'active' AND expires_at <= ? ORDER BY expires_at")
    .all(now) as Array<{ id: string }>;
  for (const { id } of due) {
    changeRegistration(ctx, {
      id,
      actor,
      kind: RegistrationEvent.Expired,
      to: 'expired',
      apply: (before) => ({ ...before, state: 'expired' }),
    });
  }
  return due.map((row) => row.id);
}

/** Takes a national off the register (moved away, deceased, …). */
export function deregister(
  ctx: RegistrationContext,
  id: string,
  actor: string,
  reason: DeregistrationReason,
): Registration {
  const why = parseInput(z.enum(DEREGISTRATION_REASONS), reason);
  return changeRegistration(ctx, {
    id,
    actor,
    kind: RegistrationEvent.Deregistered,
    to: 'deregistered',
    reason: why,
    apply: (before) => ({ ...before, state: 'deregistered' }),
  });
}

/**
 * Records a consent given or withdrawn. Withdrawing consent to processing ends an open registration
 * (nothing may be processed without it); withdrawing the census consent stops census events.
 */
export function changeConsent(ctx: RegistrationContext, id: string, change: ConsentChange, actor: string) {
  const parsed = parseInput(consentChangeSchema, change);
  const ends = (before: Registration) => parsed.purpose === 'processing' && !parsed.granted && isOpen(before);
  return changeRegistration(ctx, {
    id,
    actor,
    kind: RegistrationEvent.ConsentChanged,
    to: (before) => (ends(before) ? 'deregistered' : undefined),
    reason: parsed.purpose === 'processing' && !parsed.granted ? 'consent_withdrawn' : undefined,
    apply: (before) => (ends(before) ? { ...before, state: 'deregistered' } : before),
    alongside: (_draft, at) => appendConsent(ctx.store, id, { ...parsed, at, actor }),
  });
}

/** Replaces the census answers. */
export function updateCensus(ctx: RegistrationContext, id: string, census: unknown, actor: string) {
  const parsed: Census = parseInput(censusSchema, census);
  return changeRegistration(ctx, {
    id,
    actor,
    kind: RegistrationEvent.CensusUpdated,
    apply: (before) => ({ ...before, census: parsed }),
  });
}

/** Corrects personal details (birth place, parents' names, …): a value sets, null clears. */
export function updateDetails(ctx: RegistrationContext, id: string, patch: DetailsPatch, actor: string) {
  const parsed = parseInput(detailsPatchSchema(ctx.today), patch);
  return changeRegistration(ctx, {
    id,
    actor,
    kind: RegistrationEvent.DetailsUpdated,
    silent: true,
    apply: (before) => ({ ...before, details: mergeDetails(before.details, parsed) }),
  });
}

function mergeDetails(details: RegistrationDetails, patch: Record<string, string | null | undefined>) {
  const merged: Record<string, unknown> = { ...details };
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) delete merged[field];
    else if (value !== undefined) merged[field] = value;
  }
  return merged as RegistrationDetails;
}

function isOpen(registration: Registration): boolean {
  return registration.state !== 'rejected' && registration.state !== 'deregistered';
}

function notAllowed(before: Registration, what: string): RegistrationError {
  return new RegistrationError(
    RegistrationErrorCode.TransitionNotAllowed,
    `a ${before.state} registration cannot ${what}`,
  );
}

function plusYears(iso: string, years: number): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).plus({ years }).toJSDate().toISOString();
}
