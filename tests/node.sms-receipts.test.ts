import { afterEach, describe, expect, it } from 'vitest';
import { dispatchDueSms } from '../node/notify/sms-dispatcher.js';
import type { SmsGateway } from '../node/notify/sms-gateways.js';
import { enqueueSms, smsStatuses } from '../node/services/outbox/sms-outbox.js';
import { applySmsReceipt, unmatchedSmsReceipts } from '../node/services/outbox/sms-receipts.js';
import { createSmsStatusService } from '../node/services/sms/sms-status-service.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

let temp: TempStore | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

const at = new Date('2026-12-01T10:00:00.000Z');

async function sentWithProviderId(providerId: string): Promise<TempStore> {
  const t = await openTempStore();
  enqueueSms(
    t.store,
    { to: '+33612345678', text: 'Votre dossier est prêt', purpose: 'file_status', ref: 'F-1' },
    at,
  );
  const gateway: SmsGateway = { send: async () => ({ providerId }) };
  expect(await dispatchDueSms(t.store, gateway, () => at)).toBe(1);
  return t;
}

describe('SMS delivery receipts', () => {
  it('keeps the gateway id of an accepted SMS and shows delivered once its receipt comes', async () => {
    temp = await sentWithProviderId('msg-42');
    const sms = createSmsStatusService({ store: temp.store });
    expect(sms.statuses()[0]).toMatchObject({ state: 'sent' });
    expect(sms.statuses()[0]?.delivery).toBeUndefined();
    expect(sms.applyReceipt({ providerId: 'msg-42', delivery: 'delivered', status: 'DELIVRD' }, at)).toBe(
      'applied',
    );
    expect(sms.statuses()[0]).toMatchObject({
      state: 'sent',
      delivery: 'delivered',
      deliveredAt: at.toISOString(),
    });
  });

  it('shows undelivered when the operator gave up on the SMS', async () => {
    temp = await sentWithProviderId('msg-43');
    expect(
      applySmsReceipt(temp.store, { providerId: 'msg-43', delivery: 'undelivered', status: 'UNDELIV' }, at),
    ).toBe('applied');
    expect(smsStatuses(temp.store)[0]?.delivery).toBe('undelivered');
  });

  it('applies a duplicated receipt once and never undoes a delivery with a late failure', async () => {
    temp = await sentWithProviderId('msg-44');
    const receipt = { providerId: 'msg-44', delivery: 'delivered', status: 'DELIVRD' } as const;
    expect(applySmsReceipt(temp.store, receipt, at)).toBe('applied');
    expect(applySmsReceipt(temp.store, receipt, at)).toBe('unchanged');
    expect(applySmsReceipt(temp.store, { ...receipt, delivery: 'undelivered', status: 'UNDELIV' }, at)).toBe(
      'unchanged',
    );
    expect(smsStatuses(temp.store)[0]?.delivery).toBe('delivered');
  });

  it('keeps aside a receipt naming no SMS of ours, once, without throwing', async () => {
    temp = await openTempStore();
    const receipt = { providerId: 'nobody', delivery: 'delivered', status: 'DELIVRD' } as const;
    expect(applySmsReceipt(temp.store, receipt, at)).toBe('unmatched');
    expect(applySmsReceipt(temp.store, receipt, at)).toBe('unmatched');
    expect(unmatchedSmsReceipts(temp.store)).toEqual([
      { providerId: 'nobody', status: 'DELIVRD', receivedAt: at.toISOString() },
    ]);
  });

  it('records a gateway that gives no id as sent, with no delivery to come', async () => {
    temp = await openTempStore();
    enqueueSms(temp.store, { to: '+33612345678', text: 'Code 1234', purpose: 'booking_code' }, at);
    await dispatchDueSms(temp.store, { send: async () => undefined }, () => at);
    expect(smsStatuses(temp.store)[0]).toMatchObject({ state: 'sent' });
  });
});
