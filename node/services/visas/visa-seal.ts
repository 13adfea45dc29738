import { buildEtdMrz, buildVisaMrz, type MrzLines } from '../../../common/vds/mrz.js';
import { signEtdSeal, signVisaSeal } from '../../../common/vds/sign.js';
import type { VisaApplication } from './visa-schema.js';
import type { VisaSigner } from './visa-signer.js';

/** A document ready to print: its MRZ and its signed seal (header, message zone, signature). */
export interface SealedDocument {
  readonly mrz: MrzLines;
  readonly seal: Uint8Array;
}

/**
 * Builds the MRZ and signs the seal of a granted application: an MRV-B visa (Doc 9303-7 §8,
 * seal 0x5D01) or a laissez-passer in the TD2 layout (seal 0x5E03). Local only: the signer key is
 * on the node.
 */
export async function sealDocument(
  application: VisaApplication,
  documentNumber: string,
  signer: VisaSigner,
  today: string,
): Promise<SealedDocument> {
  const header = {
    signerIdentifier: signer.signerIdentifier,
    certificateReference: signer.certificateReference,
    documentIssueDate: today,
    signatureCreationDate: today,
  };
  const holder = {
    surname: application.familyName,
    givenNames: application.givenNames,
    birthDate: application.birthDate,
    sex: application.sex,
    documentNumber,
    expiryDate: application.validUntil as string,
  };
  if (application.kind === 'laissez_passer') {
    const mrz = buildEtdMrz({ ...holder, nationality: 'CAF' });
    return { mrz, seal: await signEtdSeal({ header, mrz }, signer.privateKey) };
  }
  const mrz = buildVisaMrz({ ...holder, nationality: application.nationality });
  const seal = await signVisaSeal(
    {
      header,
      mrz,
      numberOfEntries: application.entries ?? 1,
      durationOfStay: { days: application.stayDays ?? 0, months: 0, years: 0 },
      passportNumber: application.passportNumber,
      ...(application.visaType ? { visaType: application.visaType } : {}),
    },
    signer.privateKey,
  );
  return { mrz, seal };
}
