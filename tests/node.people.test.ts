import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { checkpointDatabase } from '../node/db/db.js';
import { verifyAuditChain } from '../node/services/audit/audit-verify.js';
import { outboxBacklog, readBatch } from '../node/services/outbox/outbox.js';
import { createPeopleRepository, type PeopleRepository } from '../node/services/people/people-repository.js';
import type { PersonInput } from '../node/services/people/person-schema.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(): Promise<TempStore & { people: PeopleRepository }> {
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  return { ...temp, people: createPeopleRepository({ store: temp.store, defaultRegion: 'FR' }) };
}

const bénédicte: PersonInput = {
  givenNames: 'Bénédicte Yolande',
  familyName: 'Ngaïkoumon',
  birthDate: '1988-03-14',
  phone: '+33 6 12 34 56 78',
  email: 'b.ngaikoumon@example.org',
  idNumber: 'CF-0042 7731',
  address: '12 rue des Acacias, 75011 Paris',
};
const faustin: PersonInput = {
  givenNames: 'Faustin Archange',
  familyName: 'Yakité',
  phone: '07 81 22 33 44',
  idNumber: '19AB55102',
};

describe('node people: personal data at rest', () => {
  it('stores a person and reads them back', async () => {
    const { people } = await setup();
    const created = people.create(bénédicte, 'agent:amina');
    expect(created).toMatchObject({ ...bénédicte, phone: '+33612345678' });
    expect(people.get(created.id)).toEqual(created);
    expect(people.get('no-such-id')).toBeUndefined();
  });

  it('leaves no seeded name, phone or ID number in a copy of the database file', async () => {
    const { people, store, dir, path } = await setup();
    const first = people.create(bénédicte, 'agent:amina');
    people.create(faustin, 'agent:amina');
    people.update(first.id, { address: '3 avenue Boganda, 75012 Paris' }, 'agent:amina');
    checkpointDatabase(store.db);
    const copy = join(dir, 'copy.sqlite');
    await copyFile(path, copy);
    const bytes = await readFile(copy);
    const secrets = [
      ...Object.values(bénédicte),
      ...Object.values(faustin),
      '+33612345678',
      '0612345678',
      '+33781223344',
      '0781223344',
      'CF00427731',
      'Ngaïkoumon',
      'Yakité',
      'Boganda',
    ];
    for (const secret of secrets)
      expect(bytes.includes(Buffer.from(String(secret), 'utf8')), secret).toBe(false);
    expect(bytes.includes(Buffer.from('person.created'))).toBe(true);
  });

  it('finds a person by phone number written in any common format', async () => {
    const { people } = await setup();
    const created = people.create(bénédicte, 'agent:amina');
    people.create(faustin, 'agent:amina');
    for (const form of ['+33 6 12 34 56 78', '0612345678', '06.12.34.56.78', '+33612345678']) {
      expect(people.findByPhone(form).map((p) => p.id)).toEqual([created.id]);
    }
    expect(people.findByPhone('0699999999')).toEqual([]);
    expect(people.findByPhone('not a phone')).toEqual([]);
  });

  it('finds a person by ID number however it is spaced or cased', async () => {
    const { people } = await setup();
    const created = people.create(faustin, 'agent:amina');
    expect(people.findByIdNumber('19 ab 55102').map((p) => p.id)).toEqual([created.id]);
    expect(people.findByIdNumber('19-AB-55-102')).toHaveLength(1);
    expect(people.findByIdNumber('19AB55103')).toEqual([]);
  });

  it('refuses to read a ciphertext copied from another person', async () => {
    const { people, store } = await setup();
    const a = people.create(bénédicte, 'agent:amina');
    const b = people.create(faustin, 'agent:amina');
    store.db
      .prepare(
        'UPDATE people SET family_name_enc = (SELECT family_name_enc FROM people WHERE id = ?) WHERE id = ?',
      )
      .run(a.id, b.id);
    expect(() => people.get(b.id)).toThrow(expect.objectContaining({ code: 'decryption_failed' }));
    expect(people.get(a.id)?.familyName).toBe('Ngaïkoumon');
  });

  it('refuses an invalid phone number with a validation error', async () => {
    const { people, store } = await setup();
    expect(() => people.create({ ...faustin, phone: '12' }, 'agent:amina')).toThrow(ZodError);
    expect(store.db.prepare('SELECT count(*) FROM people').pluck().get()).toBe(0);
  });
});

describe('node people: audit and outbox in the same transaction', () => {
  it('writes the person, an audit entry and a person.created event together', async () => {
    const { people, store } = await setup();
    const created = people.create(bénédicte, 'agent:amina');
    const [item] = readBatch(store, { limit: 10, maxBytes: 100_000 });
    expect(item?.event).toMatchObject({
      kind: 'person.created',
      entity: 'person',
      entityId: created.id,
      data: {},
    });
    const audit = store.db
      .prepare('SELECT actor, action, entity_id, before_digest, after_digest FROM audit_log')
      .all();
    expect(audit).toEqual([
      {
        actor: 'agent:amina',
        action: 'person.created',
        entity_id: created.id,
        before_digest: null,
        after_digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect(verifyAuditChain(store.db)).toMatchObject({ ok: true, length: 1 });
  });

  it('leaves neither row, event nor audit entry when the surrounding transaction fails', async () => {
    const { people, store } = await setup();
    const failing = store.db.transaction(() => {
      people.create(bénédicte, 'agent:amina');
      throw new Error('the counter printer jammed');
    });
    expect(failing).toThrow(/printer/);
    const count = (table: string) => store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    expect([count('people'), count('outbox'), count('audit_log')]).toEqual([0, 0, 0]);
  });

  it('records an update with digests and the names of the changed fields, not their values', async () => {
    const { people, store } = await setup();
    const created = people.create(bénédicte, 'agent:amina');
    const updated = people.update(created.id, { phone: '0781223345', email: null }, 'consul:jean');
    expect(updated).toMatchObject({ phone: '+33781223345' });
    expect(updated?.email).toBeUndefined();
    expect(people.findByPhone('0612345678')).toEqual([]);
    expect(people.findByPhone('07 81 22 33 45').map((p) => p.id)).toEqual([created.id]);
    const events = readBatch(store, { limit: 10, maxBytes: 100_000 }).map((i) => i.event);
    expect(events[1]).toMatchObject({ kind: 'person.updated', data: { changed: ['phone', 'email'] } });
    const [, entry] = store.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Array<
      Record<string, unknown>
    >;
    expect(entry).toMatchObject({ actor: 'consul:jean', action: 'person.updated' });
    expect(entry?.before_digest).not.toBe(entry?.after_digest);
  });

  it('records nothing for an update that changes nothing, and nothing for an unknown person', async () => {
    const { people, store } = await setup();
    const created = people.create(faustin, 'agent:amina');
    expect(people.update(created.id, { familyName: 'Yakité' }, 'agent:amina')).toEqual(created);
    expect(people.update('missing', { familyName: 'X' }, 'agent:amina')).toBeUndefined();
    expect(outboxBacklog(store).count).toBe(1);
    expect(verifyAuditChain(store.db)).toMatchObject({ ok: true, length: 1 });
  });
});
