import {
  buildVisaMrz,
  createCscaCertificate,
  decodeSeal,
  generateSealKeys,
  issueSignerCertificate,
  loadTrustStore,
  signVisaSeal,
  verifySeal,
} from '../../common/vds/index.js';
import { figure, median } from './measure.js';

const ROUNDS = 7;
const ROUND_MS = 400;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** Awaits `fn` back to back for about `ms` milliseconds; returns operations per second. */
async function asyncOpsPerSecond(fn: () => Promise<unknown>, ms: number): Promise<number> {
  for (let i = 0; i < 20; i++) await fn();
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 10; i++) await fn();
    count += 10;
    now = process.hrtime.bigint();
  }
  return count / (Number(now - start) / 1e9);
}

/** A CSCA, a signer certificate under it, a trust store, and one signed visa seal. */
async function setUp() {
  const cscaKeys = await generateSealKeys();
  const csca = {
    keys: cscaKeys,
    certificate: await createCscaCertificate({
      keys: cscaKeys,
      serialNumber: '01',
      name: 'C=CF, CN=CSCA CAF',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2036-01-01T00:00:00Z'),
    }),
  };
  const signerKeys = await generateSealKeys();
  const certificate = await issueSignerCertificate({
    csca,
    signerIdentifier: 'CFPA',
    serialNumber: '1A2B',
    publicKey: signerKeys.publicKey,
    notBefore: new Date('2026-10-01T00:00:00Z'),
    notAfter: new Date('2028-01-01T00:00:00Z'),
  });
  const trust = await loadTrustStore({
    format: 'econsulat-vds-trust/1',
    issuedAt: '2026-11-09T00:00:00Z',
    cscaCertificates: [csca.certificate.toString('pem')],
    signerCertificates: [certificate.toString('pem')],
    revokedSigners: [],
    revokedDocuments: [],
  });
  const input = {
    header: {
      signerIdentifier: 'CFPA',
      certificateReference: '1A2B',
      documentIssueDate: '2026-11-02',
      signatureCreationDate: '2026-11-02',
    },
    mrz: buildVisaMrz({
      surname: 'Ndiaye',
      givenNames: 'Awa Marie',
      documentNumber: 'CF2600001',
      nationality: 'SEN',
      birthDate: '1988-07-14',
      sex: 'F',
      expiryDate: '2027-02-01',
    }),
    numberOfEntries: 1,
    durationOfStay: { days: 30, months: 0, years: 0 },
    passportNumber: 'A01234567',
  };
  return { signerKeys, trust, input, seal: await signVisaSeal(input, signerKeys.privateKey) };
}

/** Seal verification and signing against raw WebCrypto ECDSA P-256 on the same bytes. */
export async function benchVds(): Promise<void> {
  const { signerKeys, trust, input, seal } = await setUp();
  const decoded = decodeSeal(seal);
  const now = new Date('2026-11-10T09:00:00Z');
  const { subtle } = globalThis.crypto;
  const verifyOurs = async () => {
    const result = await verifySeal(seal, trust, { now });
    if (!result.valid) throw new Error(result.reason);
  };
  const verifyRaw = async () => {
    if (!(await subtle.verify(ECDSA_SHA256, signerKeys.publicKey, decoded.signature, decoded.signedBytes))) {
      throw new Error('raw verify');
    }
  };
  const signOurs = () => signVisaSeal(input, signerKeys.privateKey);
  const signRaw = () => subtle.sign(ECDSA_SHA256, signerKeys.privateKey, decoded.signedBytes);

  console.log(
    'vds: visa seal verify (decode, trust, signature, revocation, dates) and sign vs raw WebCrypto ECDSA P-256',
  );
  console.log(
    `rounds: ${ROUNDS} × ${ROUND_MS} ms each, medians; seal ${seal.length} B; node ${process.version}`,
  );
  const rows = {
    verifyOurs: [] as number[],
    verifyRaw: [] as number[],
    signOurs: [] as number[],
    signRaw: [] as number[],
  };
  for (let round = 0; round < ROUNDS; round++) {
    rows.verifyRaw.push(await asyncOpsPerSecond(verifyRaw, ROUND_MS));
    rows.verifyOurs.push(await asyncOpsPerSecond(verifyOurs, ROUND_MS));
    rows.signRaw.push(await asyncOpsPerSecond(signRaw, ROUND_MS));
    rows.signOurs.push(await asyncOpsPerSecond(signOurs, ROUND_MS));
  }
  const ours = median(rows.verifyOurs);
  const raw = median(rows.verifyRaw);
  console.log(
    `verify: ${figure(ours)} seals/s, raw ${figure(raw)}/s, ratio ${(ours / raw).toFixed(2)} (target ≥ 1,000 seals/s)`,
  );
  const signMs = 1000 / median(rows.signOurs);
  const rawSignMs = 1000 / median(rows.signRaw);
  console.log(`sign: ${signMs.toFixed(3)} ms a seal (encode and sign), raw sign ${rawSignMs.toFixed(3)} ms`);
}
