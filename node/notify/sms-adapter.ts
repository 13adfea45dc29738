import type { SmsConfig } from '../config/sms-config.js';
import type { SmsSecrets } from '../config/sms-secrets.js';
import type { SmsReceipt } from '../services/outbox/sms-receipts.js';
import { africasTalkingGateway } from './africastalking-gateway.js';
import { androidGateway } from './android-gateway.js';
import type { SmppInboundSms } from './smpp-deliver.js';
import { smppGateway } from './smpp-gateway.js';
import { fileSmsGateway, httpSmsGateway, type SmsGateway } from './sms-gateways.js';

/** Where what an adapter receives goes (the SMPP bind carries receipts and messages itself). */
export interface SmsAdapterSinks {
  readonly onReceipt: (receipt: SmsReceipt) => unknown;
  readonly onInbound: (sms: SmppInboundSms) => Promise<unknown>;
  readonly log?: (event: string, detail?: Record<string, unknown>) => void;
}

/** The gateway node.json's `sms` names, with its secret; throws TypeError when the secret is missing. */
export function createSmsGateway(
  config: SmsConfig,
  secrets: SmsSecrets | undefined,
  defaultFile: string,
  sinks: SmsAdapterSinks,
): SmsGateway {
  switch (config.gateway) {
    case 'http':
      return httpSmsGateway(config);
    case 'smpp':
      return smppGateway({
        host: config.host,
        port: config.port,
        systemId: config.systemId,
        password: required(secrets?.smppPassword, 'SMPP password'),
        ...(config.systemType === undefined ? {} : { systemType: config.systemType }),
        sourceAddr: config.sourceAddr,
        messagesPerSecond: config.messagesPerSecond,
        enquireLinkMs: config.enquireLinkSeconds * 1000,
        ...sinks,
      });
    case 'africastalking':
      return africasTalkingGateway({
        apiUrl: config.apiUrl,
        username: config.username,
        apiKey: required(secrets?.atApiKey, 'Africa’s Talking API key'),
        ...(config.from === undefined ? {} : { from: config.from }),
      });
    case 'android':
      return androidGateway({
        url: config.url,
        username: config.username,
        password: required(secrets?.androidPassword, 'Android gateway password'),
      });
    default:
      return fileSmsGateway(config.file ?? defaultFile);
  }
}

function required(secret: string | undefined, what: string): string {
  if (!secret) throw new TypeError(`the ${what} is missing (node/README.md, SMS adapters)`);
  return secret;
}
