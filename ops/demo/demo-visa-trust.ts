import { join } from 'node:path';
import { certificateFingerprint, exportPrivateKeyPem } from '../../common/vds/key-files.js';
import { generateSealKeys } from '../../common/vds/pki.js';
import type { Database } from '../../hub/db/database.js';
import { createVisaTrustService } from '../../hub/services/visa-trust/visa-trust-service.js';
import {
  checkSignerCertificate,
  readSignerKeyFile,
  saveSignerCertificates,
  visaSignerPaths,
  writeSignerKeyFile,
} from '../../node/crypto/visa-signer-key.js';
import { createCsca } from '../commands/hub-csca.js';

const OFFICER = 'officer:demo';

/**
 * The seal trust of the demo, made at setup as the runbook does it by hand: the ministry's CSCA
 * (`hub csca init`: its key in the demo directory, standing for the offline medium, recorded at
 * the hub), a signer key at the mission (`node visa-signer request`), the certificate the CSCA
 * issues for it (`hub csca issue-signer`) imported at the mission against the CSCA's fingerprint
 * (`node visa-signer import`). Nothing of it is in the repository.
 */
export async function setUpDemoVisaTrust(
  db: Database,
  cscaDir: string,
  mission: { id: string; dataDir: string },
): Promise<void> {
  const cscaKey = join(cscaDir, 'csca-caf.key');
  const csca = await createCsca(
    cscaKey,
    'C=CF, O=Republique Centrafricaine, OU=MAE, CN=CSCA CAF demo',
    new Date(),
  );
  const trust = createVisaTrustService({ db, now: () => new Date() });
  await trust.recordCsca(csca.pem, OFFICER);
  const signerKeys = await generateSealKeys(true);
  const paths = visaSignerPaths(mission.dataDir);
  await writeSignerKeyFile(paths.key, await exportPrivateKeyPem(signerKeys.privateKey));
  const cscaKeys = await readSignerKeyFile(cscaKey);
  const issued = await trust.issueSigner({
    csca: { certificate: csca.certificate, keys: cscaKeys },
    missionId: mission.id,
    publicKey: signerKeys.publicKey,
    actor: OFFICER,
  });
  await checkSignerCertificate({
    certificatePem: issued.certificatePem,
    cscaPem: csca.pem,
    pinnedCscaFingerprint: await certificateFingerprint(csca.certificate),
    publicKey: signerKeys.publicKey,
    now: new Date(),
  });
  await saveSignerCertificates(mission.dataDir, issued.certificatePem, csca.pem);
}
