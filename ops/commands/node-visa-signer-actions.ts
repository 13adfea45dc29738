import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathExists } from '../../common/fs/path-exists.js';
import {
  createSignerRequest,
  exportPrivateKeyPem,
  publicKeyFingerprint,
} from '../../common/vds/key-files.js';
import { generateSealKeys } from '../../common/vds/pki.js';
import type { NodeConfig } from '../../node/config/config.js';
import {
  checkSignerCertificate,
  readSignerKeyFile,
  saveSignerCertificates,
  visaSignerPaths,
  writeSignerKeyFile,
} from '../../node/crypto/visa-signer-key.js';
import { writeNewFile } from '../keys/recovery-key-file.js';
import { UsageError } from './usage-error.js';

/** `node visa-signer request`: the key (made once, 0600) and a PKCS #10 request for it. */
export async function requestSigner(config: NodeConfig, outOption?: string): Promise<void> {
  const paths = visaSignerPaths(config.dataDir);
  const existing = await pathExists(paths.key);
  if (!existing) {
    const made = await generateSealKeys(true);
    await writeSignerKeyFile(paths.key, await exportPrivateKeyPem(made.privateKey));
  }
  const keys = await readSignerKeyFile(paths.key);
  const out = outOption ?? join(config.dataDir, 'visa-signer-request.pem');
  if (await pathExists(out)) throw new UsageError(`${out} exists: remove it or give another --out`);
  await writeNewFile(out, await createSignerRequest(keys, config.missionId), 0o644);
  process.stdout.write(
    [
      `${existing ? 'existing' : 'new'} signer key ${paths.key} (mode 0600)`,
      `  key fingerprint   ${await publicKeyFingerprint(keys.publicKey)}`,
      `request for ${config.missionId} written to ${out}`,
      '',
    ].join('\n'),
  );
}

/** `node visa-signer import`: the certificate, once checked against the key and the pinned CSCA. */
export async function importSigner(
  config: NodeConfig,
  certPath: string,
  cscaPath: string,
  pinnedCscaFingerprint: string,
): Promise<void> {
  const paths = visaSignerPaths(config.dataDir);
  const keys = await readSignerKeyFile(paths.key);
  const certificatePem = await readFile(certPath, 'utf8');
  const cscaPem = await readFile(cscaPath, 'utf8');
  const checked = await checkSignerCertificate({
    certificatePem,
    cscaPem,
    pinnedCscaFingerprint,
    publicKey: keys.publicKey,
    now: new Date(),
  });
  await saveSignerCertificates(config.dataDir, certificatePem, cscaPem);
  process.stdout.write(
    [
      `signer certificate imported for ${config.missionId}`,
      `  signer identifier      ${checked.signerIdentifier}`,
      `  certificate reference  ${checked.certificateReference}`,
      `  valid until            ${checked.certificate.notAfter.toISOString().slice(0, 10)}`,
      `  CSCA fingerprint       ${checked.cscaFingerprint}`,
      '',
    ].join('\n'),
  );
}
