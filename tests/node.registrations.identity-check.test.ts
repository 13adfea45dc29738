import { afterEach, describe, expect, it } from 'vitest';
import { decryptField } from '../node/crypto/field-cipher.js';
import type { Store } from '../node/db/store.js';
import { verifyAuditChain } from '../node/services/audit/audit-verify.js';
import { createCivilStatusService } from '../node/services/civil-status/civil-status-service.js';
import { RegistrationError } from '../node/services/registrations/errors.js';
import type { RegistrationInput } from '../node/services/registrations/registration-schema.js';
import { createRegistrationService } from '../node/services/registrations/registration-service.js';
import { registrySubmissionSchema } from '../protocol/index.js';
import { auditEntries, pageUser, staffApps } from './_util/backoffice-pages.js';
import { openTempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
const apps = staffApps();
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await apps.closeAll();
});

const AT = '2026-03-10T09:00:00.000Z';

async function setup() {
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  const deps = { store: temp.store, defaultRegion: 'FR' as const, now: () => new Date(AT) };
  return {
    ...temp,
    registrations: createRegistrationService(deps),
    civil: createCivilStatusService(deps),
  };
}

const online: RegistrationInput = {
  person: { givenNames: 'Prisca', familyName: 'Yangoupandé', birthDate: '1994-06-30' },
  birthPlace: 'Bambari',
  channel: 'online',
  consents: { processing: true, census: false, contact: false, textVersion: 'consent-2026.1' },
};

/** The registry.submission bodies queued for the hub, as the link will seal them. */
function submissions(store: Store): Array<Record<string, unknown>> {
  const rows = store.db
    .prepare("SELECT id, body FROM link_pending WHERE type = 'registry.submission' ORDER BY id")
    .all() as Array<{ id: number; body: Uint8Array }>;
  return rows.map((row) =>
    JSON.parse(
      decryptField(store.keys.field, row.body, {
        table: 'link_pending',
        column: 'body',
        rowId: String(row.id),
      }),
    ),
  );
}

function checkAudits(store: Store) {
  return store.db
    .prepare(
      "SELECT actor, action, entity, entity_id AS entityId, after_digest AS digest FROM audit_log WHERE action LIKE '%.identity_checked' ORDER BY seq",
    )
    .all() as Array<{
    actor: string;
    action: string;
    entity: string;
    entityId: string;
    digest: string | null;
  }>;
}

describe('node: the agent’s identity-document check before the national registry', () => {
  it('records which agent checked which document, audits it, and sends the kind and time with the submission', async () => {
    const { registrations, store } = await setup();
    const { id } = registrations.submit(online, 'applicant:portal');
    registrations.verify(id, 'amina', { documentKind: 'passport' });
    expect(registrations.identityCheck(id)).toEqual({
      documentKind: 'passport',
      checkedBy: 'amina',
      checkedAt: AT,
    });
    expect(checkAudits(store)).toEqual([
      {
        actor: 'amina',
        action: 'registration.identity_checked',
        entity: 'registration',
        entityId: id,
        digest: expect.any(String),
      },
    ]);
    expect(verifyAuditChain(store.db).ok).toBe(true);
    const [submission] = submissions(store);
    expect(registrySubmissionSchema.parse(submission).identityCheck).toEqual({
      documentKind: 'passport',
      checkedAt: AT,
    });
    // Who checked stays at the mission.
    expect(JSON.stringify(submission)).not.toContain('amina');
  });

  it('submits a portal registration verified without a document as unchecked', async () => {
    const { registrations, store } = await setup();
    const { id } = registrations.submit(online, 'applicant:portal');
    registrations.verify(id, 'amina');
    const [submission] = submissions(store);
    expect(submission).toMatchObject({ kind: 'registration', recordId: id });
    expect(submission).not.toHaveProperty('identityCheck');
    expect(registrations.identityCheck(id)).toBeUndefined();
    expect(checkAudits(store)).toEqual([]);
  });

  it('refuses an unknown document kind, and a check by someone who is not an agent, changing nothing', async () => {
    const { registrations, store } = await setup();
    const { id } = registrations.submit(online, 'applicant:portal');
    let code: string | undefined;
    try {
      registrations.verify(id, 'amina', { documentKind: 'library_card' });
    } catch (error) {
      code = error instanceof RegistrationError ? error.code : 'other';
    }
    expect(code).toBe('invalid_input');
    expect(() => registrations.verify(id, 'applicant:portal', { documentKind: 'passport' })).toThrow(
      TypeError,
    );
    expect(registrations.get(id)?.state).toBe('submitted');
    expect(submissions(store)).toEqual([]);
    expect(checkAudits(store)).toEqual([]);
  });

  it('keeps a check as evidence: never rewritten nor removed', async () => {
    const { registrations, store } = await setup();
    const { id } = registrations.submit(online, 'applicant:portal');
    registrations.verify(id, 'amina', { documentKind: 'consular_card' });
    expect(() => store.db.prepare("UPDATE identity_checks SET document_kind = 'passport'").run()).toThrow(
      /append-only/,
    );
    expect(() => store.db.prepare('DELETE FROM identity_checks').run()).toThrow(/append-only/);
  });

  it('sends the document checked for a transcription with its submission', async () => {
    const { civil, store } = await setup();
    const { id } = civil.submit(
      {
        kind: 'birth',
        eventDate: '2025-11-03',
        eventPlace: 'Paris',
        eventCountry: 'FR',
        channel: 'online',
        source: { certificateNumber: 'N-2025-118877', issuingAuthority: 'Mairie du 15e arrondissement' },
        persons: [{ role: 'child', givenNames: 'Maëlys', familyName: 'Yangongo', sex: 'F' }],
      },
      'applicant:portal',
    );
    civil.startReview(id, 'amina');
    civil.transcribe(id, 'consul.kossi', 'T-2026/12', { documentKind: 'birth_certificate' });
    expect(civil.identityCheck(id)).toMatchObject({
      documentKind: 'birth_certificate',
      checkedBy: 'consul.kossi',
    });
    expect(submissions(store)[0]).toMatchObject({
      kind: 'birth',
      identityCheck: { documentKind: 'birth_certificate', checkedAt: AT },
    });
    expect(checkAudits(store).map((entry) => [entry.actor, entry.action])).toEqual([
      ['consul.kossi', 'civil_status.identity_checked'],
    ]);
  });

  it('takes the document from the agent’s form and from the staff API, in the agent’s name', async () => {
    const s = await apps.open();
    const byForm = s.domain.registrations.submit(online, 'applicant:portal').id;
    const byApi = s.domain.registrations.submit(
      { ...online, person: { givenNames: 'Odile', familyName: 'Yangoupandé', birthDate: '1996-01-12' } },
      'applicant:portal',
    ).id;
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const page = await agent.get('/staff/immatriculations');
    expect(page.body).toContain('name="documentKind"');
    expect(page.body).toContain('Carte nationale d’identité');
    const verified = await agent.submit(
      '/staff/immatriculations',
      `/staff/immatriculations/${byForm}/verifier`,
      {
        documentKind: 'national_id_card',
      },
    );
    expect(verified.statusCode).toBe(303);
    expect(s.domain.registrations.identityCheck(byForm)).toMatchObject({
      documentKind: 'national_id_card',
      checkedBy: 'yakite',
    });
    const { token } = await s.login(await s.enrolled('ngaro', ['agent']));
    const api = await s.app.inject({
      method: 'POST',
      url: `/api/v1/staff/registrations/${byApi}/verify`,
      headers: { authorization: `Bearer ${token}` },
      payload: { documentKind: 'passport' },
    });
    expect(api.statusCode).toBe(200);
    expect(s.domain.registrations.identityCheck(byApi)).toMatchObject({
      documentKind: 'passport',
      checkedBy: 'ngaro',
    });
    expect(auditEntries(s, 'registration.identity_checked')).toEqual([
      { actor: 'yakite', entity: 'registration', entityId: byForm },
      { actor: 'ngaro', entity: 'registration', entityId: byApi },
    ]);
    const refused = await s.app.inject({
      method: 'POST',
      url: `/api/v1/staff/registrations/${byApi}/verify`,
      headers: { authorization: `Bearer ${token}` },
      payload: { documentKind: 'library_card' },
    });
    expect(refused.statusCode).toBe(400);
  });
});
