import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acceptRotatedCertificate, beginRotation, pendingRotation } from '../node/link/key-rotation.js';
import type { LinkContext } from '../node/link/link-context.js';
import { sealNext } from '../node/link/sender.js';
import { importEnrolment, putCertificate } from '../node/link/trust-material.js';
import { appendEvent, newEvent } from '../node/services/outbox/outbox.js';
import { enqueueMessage } from '../node/services/outbox/pending-messages.js';
import {
  createEnrolmentRequest,
  HUB_ID,
  Identity,
  issueCertificate,
  open,
  ready,
  TrustStore,
  verifyKeyRotationRequest,
} from '../protocol/index.js';
import { enrolmentBundleFor } from './_util/enrolment.js';
import { fileOpenedData } from './_util/event-data.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

const DAY = 86_400_000;

describe('a mission node replacing its key', () => {
  let node: TempStore | undefined;
  beforeAll(ready);
  afterEach(async () => {
    await node?.cleanup();
    node = undefined;
  });

  async function enrolledNode() {
    node = await openTempStore();
    const hub = Identity.generate(HUB_ID);
    const old = Identity.generate('sn-dakar');
    const next = Identity.generate('sn-dakar');
    const material = importEnrolment(node.store, old, enrolmentBundleFor(hub, old));
    const ctx: LinkContext = {
      store: node.store,
      self: old,
      hub: material.hub,
      trust: material.trust,
      now: Date.now,
      softwareVersion: 'test',
      batch: { maxEvents: 500, maxBytes: 256 * 1024 },
      nextIdentity: () => next,
    };
    const certify = (keys: Identity) =>
      issueCertificate(hub, createEnrolmentRequest(keys, 'Ambassade à Dakar', new Date()), {
        serial: 9,
        notBefore: new Date(Date.now() - DAY),
        notAfter: new Date(Date.now() + 700 * DAY),
        issuedAt: new Date(),
      });
    const receipt = () =>
      enqueueMessage(node!.store, 'directive.receipt', {
        directiveId: randomUUID(),
        receivedAt: new Date().toISOString(),
      });
    const event = () =>
      appendEvent(
        node!.store,
        newEvent({ kind: 'file.opened', entity: 'file', entityId: randomUUID(), data: fileOpenedData() }),
      );
    return { hub, old, next, ctx, certify, receipt, event };
  }

  it('seals what was waiting and then the rotation request with the old key, and nothing after it', async () => {
    const { hub, old, next, ctx, receipt, event } = await enrolledNode();
    receipt();
    receipt();
    const { pending } = beginRotation(ctx.store, old, next, 'Ambassade à Dakar', new Date());
    expect(pending.lastSeq).toBe(3);
    event();
    receipt();

    const sealed = [sealNext(ctx), sealNext(ctx), sealNext(ctx)];
    expect(sealed.map((held) => [held?.seq, held?.type])).toEqual([
      [1, 'directive.receipt'],
      [2, 'directive.receipt'],
      [3, 'key.rotation'],
    ]);
    // Events and messages written after the request wait for the new key.
    expect(sealNext(ctx)).toBeNull();

    const hubTrust = new TrustStore();
    hubTrust.trust({ identity: old.toPublic(), validFrom: 0, validUntil: Number.MAX_SAFE_INTEGER });
    const opened = open(sealed[2]!.envelope, { self: hub, trust: hubTrust, now: Date.now() });
    if (!opened.ok || opened.value.type !== 'key.rotation') throw new Error('the request does not open');
    expect(opened.value.header.keyId).toBe(old.keyId);
    const verified = verifyKeyRotationRequest(opened.value.body.rotation, old.toPublic());
    expect(verified?.subject.keyId).toBe(next.keyId);
    expect(verified?.rotation.lastSeq).toBe(3);
  });

  it('takes the certificate of its new key and seals on with it at once', async () => {
    const { old, next, ctx, certify, event } = await enrolledNode();
    beginRotation(ctx.store, old, next, 'Ambassade à Dakar', new Date());
    expect(sealNext(ctx)?.type).toBe('key.rotation');
    event();
    expect(sealNext(ctx)).toBeNull();

    expect(acceptRotatedCertificate(ctx, certify(next))).toBe(true);
    expect(ctx.self.keyId).toBe(next.keyId);
    expect(pendingRotation(ctx.store.db)?.certified).toBe(true);
    const after = sealNext(ctx);
    expect(after?.type).toBe('events.batch');
    expect(after?.seq).toBe(2);
  });

  it('refuses a certificate for keys other than the awaited ones', async () => {
    const { old, next, ctx, certify } = await enrolledNode();
    beginRotation(ctx.store, old, next, 'Ambassade à Dakar', new Date());
    expect(acceptRotatedCertificate(ctx, certify(Identity.generate('sn-dakar')))).toBe(false);
    expect(acceptRotatedCertificate(ctx, { format: 'econsulat-certificate/v1' })).toBe(false);
    expect(ctx.self.keyId).toBe(old.keyId);
    expect(pendingRotation(ctx.store.db)?.certified).toBeUndefined();
  });

  it('seals nothing with a key that is no longer the certified one', async () => {
    // A rotation bundle imported by hand while the node runs: the running link holds the old key.
    const { next, ctx, certify, event } = await enrolledNode();
    putCertificate(ctx.store, certify(next));
    event();
    expect(sealNext(ctx)).toBeNull();
    Object.assign(ctx, { self: next });
    expect(sealNext(ctx)?.type).toBe('events.batch');
  });
});
