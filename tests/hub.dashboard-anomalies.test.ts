import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestEnvelope } from '../hub/ingest/ingest-envelope.js';
import type { IngestContext } from '../hub/ingest/ingest-types.js';
import {
  AUDIT_CHECKPOINT,
  AUDIT_GENESIS_HASH,
  type AuditCheckpoint,
  auditChainHashes,
  type Identity,
  sodium,
} from '../protocol/index.js';
import { addMission } from './_util/dashboard-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { enrolledHub, sealUp } from './_util/hub-fixtures.js';
import { type HubWebApp, openHubWeb } from './_util/hub-web.js';

/** A mission's audit chain as the hub sees it: one digest per entry (any 32 bytes do). */
function chainOf(length: number): string[] {
  return Array.from({ length }, () => sodium.randombytes_buf(32, 'hex'));
}

function headOf(digests: readonly string[]): string {
  return auditChainHashes(AUDIT_GENESIS_HASH, digests).at(-1) ?? AUDIT_GENESIS_HASH;
}

/** The checkpoint of the whole chain, proven from the head of its first `from` entries. */
function checkpoint(digests: readonly string[], from: number, since = headOf(digests.slice(0, from))) {
  return {
    at: '2026-03-30T08:00:00.000Z',
    length: digests.length,
    headHash: headOf(digests),
    since: { length: from, headHash: since },
    digests: digests.slice(from),
  } satisfies AuditCheckpoint;
}

describe.each(storeBackends('hub dashboard audit anomalies'))(
  'hub dashboard audit anomalies on $name',
  (backend) => {
    let store: TestStore;
    let web: HubWebApp;
    let hub: Identity;
    let mission: Identity;
    let context: () => IngestContext;
    let seq = 0;
    let users = 0;
    const send = async (body: AuditCheckpoint) => {
      seq += 1;
      const outcome = await ingestEnvelope(
        store.db,
        sealUp(mission, hub, AUDIT_CHECKPOINT, body, seq),
        context(),
      );
      expect(outcome).toMatchObject({ status: 'applied', seq });
    };
    const page = async (roles: string[], url: string) => {
      users += 1;
      const user = await web.user(`utilisateur-${users}`, roles);
      const response = await web.app.inject({ url, headers: { cookie: await web.login(user) } });
      expect(response.statusCode).toBe(200);
      return response.body;
    };
    /** Five entries reported honestly, then entry 3 edited, the chain rehashed, extended to 9. */
    const rewriteTheChain = async () => {
      const chain = chainOf(5);
      await send(checkpoint(chain, 0));
      const honestBase = headOf(chain);
      chain[2] = sodium.randombytes_buf(32, 'hex');
      chain.push(...chainOf(4));
      await send(checkpoint(chain, 5, honestBase));
    };

    beforeEach(async () => {
      store = await migratedStore(backend);
      ({ hub, mission, context } = await enrolledHub(store.db));
      await addMission(store.db, { id: 'cm-yaounde', name: 'Ambassade à Yaoundé', online: true });
      web = await openHubWeb(store.db);
      seq = 0;
    });
    afterEach(async () => {
      await web?.close();
      await store?.dispose();
    });

    it('warns auditors on the network dashboard of a mission whose audit log was rewritten', async () => {
      await rewriteTheChain();
      const body = await page(['auditor'], '/web/tableau-de-bord');
      expect(body).toContain('id="audit-anomalies"');
      const block = body.slice(body.indexOf('id="audit-anomalies"'), body.indexOf('</section>'));
      expect(block).toContain('anomalie signalée par 1 mission');
      expect(block).toContain('<a href="/web/missions/fr-paris">Ambassade fr-paris</a> (fr-paris)');
      expect(block).toMatch(/<li data-anomaly="chain_rewritten"><strong>« journal réécrit »<\/strong>/);
      expect(block).toContain('journal de 9 entrées (le ministère en tenait 5)');
      expect(block).toMatch(/Signalé le \d\d\/\d\d\/\d{4} \d\d:\d\d UTC/);
      expect(block).not.toContain('cm-yaounde');
    });

    it('shows nothing while every audit head extends the one before', async () => {
      const chain = chainOf(5);
      await send(checkpoint(chain, 0));
      chain.push(...chainOf(3));
      await send(checkpoint(chain, 5));
      for (const url of ['/web/tableau-de-bord', '/web/missions/fr-paris']) {
        expect(await page(['auditor'], url)).not.toContain('audit-anomalies');
      }
    });

    it('names a shortened chain, and shows it on that mission’s page, not on another’s', async () => {
      const chain = chainOf(8);
      await send(checkpoint(chain, 0));
      await send(checkpoint(chain.slice(0, 6), 0));
      const own = await page(['directorate'], '/web/missions/fr-paris');
      expect(own).toMatch(/<li data-anomaly="chain_shortened"><strong>« chaîne raccourcie »<\/strong>/);
      expect(own).toContain('journal de 6 entrées (le ministère en tenait 8)');
      expect(await page(['directorate'], '/web/missions/cm-yaounde')).not.toContain('audit-anomalies');
    });

    it('keeps the block from roles that may read the dashboard but not the audit', async () => {
      await rewriteTheChain();
      for (const roles of [['minister_office'], ['registry_officer']]) {
        const body = await page(roles, '/web/tableau-de-bord');
        expect(body).toContain('figure-online');
        expect(body).not.toContain('audit-anomalies');
      }
    });
  },
);
