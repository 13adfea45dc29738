import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeSeal, loadTrustStore, verifySeal } from '../common/vds/index.js';
import { issueDemoVisas } from '../ops/demo/seed-visas.js';
import { buildTestNode, type TestNode } from './_util/node-app.js';
import { installSigner } from './node.visas.fixtures.js';

const nodes: TestNode[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.cleanup();
});

describe('the demo’s specimen visa and laissez-passer', () => {
  it('issues both the whole way, each with its seal in hex and its PDF, verifying against the bundle', async () => {
    const node = await buildTestNode();
    nodes.push(node);
    const trust = await installSigner(node.config.dataDir);
    const specimens = await issueDemoVisas(node.domain, join(node.dir, 'specimens'));
    expect(specimens.map((specimen) => specimen.kind)).toEqual(['visa', 'laissez_passer']);
    const store = await loadTrustStore(trust.bundle);
    for (const specimen of specimens) {
      const seal = Uint8Array.from(Buffer.from(specimen.sealHex, 'hex'));
      expect(await verifySeal(seal, store, { now: new Date() })).toMatchObject({ valid: true });
      expect(decodeSeal(seal).header.signerIdentifier).toBe('CFPA');
      const pdf = await PDFDocument.load(await readFile(specimen.pdf));
      expect(pdf.getPageCount()).toBe(1);
      expect(specimen.pdf).toContain(specimen.documentNumber);
    }
    expect(node.domain.visas.list('issued')).toHaveLength(2);
  });
});
