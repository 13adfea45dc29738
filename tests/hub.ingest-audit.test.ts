import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestEnvelope } from '../hub/ingest/ingest-envelope.js';
import type { IngestContext } from '../hub/ingest/ingest-types.js';
import { createHubMetrics } from '../hub/metrics.js';
import { dashboardSummary } from '../hub/services/dashboard/summary.js';
import {
  AUDIT_CHECKPOINT,
  AUDIT_GENESIS_HASH,
  type AuditCheckpoint,
  auditChainHashes,
  type Identity,
  sodium,
} from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { enrolledHub, sealUp } from './_util/hub-fixtures.js';
import { metricSample } from './_util/rogue-client.js';

/**
 * A mission's chain as the hub sees it: the digests of its entries, in order. Any 32 bytes do, the
 * hub never sees an entry.
 */
class Chain {
  readonly digests: string[] = [];
  append(count: number): this {
    for (let i = 0; i < count; i++) this.digests.push(sodium.randombytes_buf(32, 'hex'));
    return this;
  }
  /** Entry `seq` (1-based) replaced by another: what rehashing after an edit comes to. */
  edit(seq: number): this {
    this.digests[seq - 1] = sodium.randombytes_buf(32, 'hex');
    return this;
  }
  headAt(length: number): string {
    return length === 0
      ? AUDIT_GENESIS_HASH
      : (auditChainHashes(AUDIT_GENESIS_HASH, this.digests.slice(0, length)).at(-1) ?? '');
  }
  /** The checkpoint of the whole chain, with the digests since `from`. */
  checkpoint(from: number, at = new Date().toISOString()): AuditCheckpoint {
    const length = this.digests.length;
    return {
      at,
      length,
      headHash: this.headAt(length),
      since: { length: from, headHash: this.headAt(from) },
      digests: this.digests.slice(from),
    };
  }
}

describe.each(storeBackends('hub audit checkpoints'))('hub audit checkpoints on $name', (backend) => {
  let store: TestStore;
  let hub: Identity;
  let mission: Identity;
  let context: () => IngestContext;
  let seq = 0;
  const send = async (body: AuditCheckpoint) => {
    seq += 1;
    const outcome = await ingestEnvelope(
      store.db,
      sealUp(mission, hub, AUDIT_CHECKPOINT, body, seq),
      context(),
    );
    expect(outcome).toMatchObject({ status: 'applied', seq });
  };
  const heads = () =>
    store.db.query('SELECT length, verified, anomaly FROM audit_checkpoints ORDER BY received_at, length');

  beforeEach(async () => {
    store = await migratedStore(backend);
    ({ hub, mission, context } = await enrolledHub(store.db));
    seq = 0;
  });
  afterEach(async () => {
    await store?.dispose();
  });

  it('verifies a chain extended honestly, each head from the one before, with no anomaly', async () => {
    const chain = new Chain().append(5);
    await send(chain.checkpoint(0));
    await send(chain.append(3).checkpoint(5));
    await send(chain.checkpoint(8));
    expect(await heads()).toEqual([
      { length: 5, verified: true, anomaly: null },
      { length: 8, verified: true, anomaly: null },
    ]);
  });

  it('flags an entry edited, the chain rehashed and extended, reported at a greater length', async () => {
    const chain = new Chain().append(5);
    await send(chain.checkpoint(0));
    // The mission's own record of the head it sent is untouched: it proves from there.
    const honestBase = chain.checkpoint(0).headHash;
    chain.edit(3).append(4);
    await send({ ...chain.checkpoint(5), since: { length: 5, headHash: honestBase } });
    expect(await heads()).toEqual([
      { length: 5, verified: true, anomaly: null },
      { length: 9, verified: false, anomaly: 'chain_rewritten' },
    ]);
  });

  it('refuses a base it never received: the mission’s record of its last head was rewritten too', async () => {
    const chain = new Chain().append(5);
    await send(chain.checkpoint(0));
    chain.edit(3).append(4);
    await send(chain.checkpoint(5));
    expect((await heads()).at(-1)).toEqual({ length: 9, verified: false, anomaly: 'unknown_base' });
  });

  it('flags a chain proven from an older head that no longer passes through a newer one it holds', async () => {
    const chain = new Chain().append(3);
    await send(chain.checkpoint(0));
    await send(chain.append(3).checkpoint(3));
    chain.edit(5).append(2);
    await send(chain.checkpoint(3));
    expect((await heads()).at(-1)).toEqual({ length: 8, verified: false, anomaly: 'chain_rewritten' });
  });

  it('accepts an older node’s checkpoint without digests, unverified and not an anomaly', async () => {
    const chain = new Chain().append(4);
    const { since: _s, digests: _d, ...older } = chain.checkpoint(0);
    await send(older);
    expect(await heads()).toEqual([{ length: 4, verified: false, anomaly: null }]);
    // A node upgraded later proves from the head it sent unproven.
    await send(chain.append(2).checkpoint(4));
    expect((await heads()).at(-1)).toEqual({ length: 6, verified: true, anomaly: null });
  });

  it('flags a head without proof past the length a mission already proved its chain from', async () => {
    const chain = new Chain().append(4);
    await send(chain.checkpoint(0));
    const { since: _s, digests: _d, ...unproven } = chain.append(2).checkpoint(4);
    await send(unproven);
    expect((await heads()).at(-1)).toEqual({ length: 6, verified: false, anomaly: 'proof_missing' });
  });

  it('flags a rewrite once: the heads after it are checked against it', async () => {
    const chain = new Chain().append(5);
    await send(chain.checkpoint(0));
    const honestBase = chain.headAt(5);
    chain.edit(2).append(1);
    await send({ ...chain.checkpoint(5), since: { length: 5, headHash: honestBase } });
    await send(chain.append(3).checkpoint(6));
    expect(await heads()).toEqual([
      { length: 5, verified: true, anomaly: null },
      { length: 6, verified: false, anomaly: 'chain_rewritten' },
      { length: 9, verified: true, anomaly: null },
    ]);
  });

  it('counts anomalies by mission and kind in /metrics and in the dashboard summary', async () => {
    const chain = new Chain().append(5);
    await send(chain.checkpoint(0));
    const honestBase = chain.headAt(5);
    chain.edit(1).append(1);
    await send({ ...chain.checkpoint(5), since: { length: 5, headHash: honestBase } });
    const text = await createHubMetrics(store.db).registry.metrics();
    const labels = { mission: 'fr-paris', kind: 'chain_rewritten' };
    expect(metricSample(text, 'econsulat_hub_audit_anomalies', labels)).toBe(1);
    expect((await dashboardSummary(store.db, new Date())).auditAnomalies).toBe(1);
  });
});
