import type { Store } from '../../db/store.js';
import type { EffectiveService } from '../catalogue/catalogue.js';
import type { FileService } from '../files/file-service.js';
import type { PaymentService } from '../payments/payment-service.js';
import type { SignerSource } from './visa-signer.js';

/** What the visa service is built over. */
export interface VisaContext {
  readonly store: Store;
  readonly files: FileService;
  readonly payments: Pick<PaymentService, 'createInvoice'>;
  readonly catalogue: { requireActiveService(code: string): EffectiveService };
  /** The mission's barcode signer, read when a document is issued. */
  readonly signer: SignerSource;
  /** The mission's name as printed on the document. */
  readonly missionName: string;
  /** The currency the fee is invoiced in when the catalogue quotes it (else the first quoted). */
  readonly currency: string;
  readonly now: () => Date;
}
