import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeConfigFromEnv } from '../node/config/env.js';
import { smsConfigSchema } from '../node/config/sms-config.js';
import { loadSmsSecrets } from '../node/config/sms-secrets.js';
import { createSmsGateway } from '../node/notify/sms-adapter.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';

let temp: TempDir | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

const sinks = { onReceipt: () => undefined, onInbound: async () => undefined };

describe('SMS adapter configuration', () => {
  it('reads each adapter’s settings from node.json with their defaults', () => {
    expect(
      smsConfigSchema.parse({
        gateway: 'smpp',
        host: 'smsc.example',
        systemId: 'consulat',
        sourceAddr: 'CONSULAT',
      }),
    ).toEqual({
      gateway: 'smpp',
      host: 'smsc.example',
      port: 2775,
      systemId: 'consulat',
      sourceAddr: 'CONSULAT',
      messagesPerSecond: 10,
      enquireLinkSeconds: 30,
    });
    expect(smsConfigSchema.parse({ gateway: 'africastalking', username: 'consulat' })).toMatchObject({
      apiUrl: 'https://api.africastalking.com',
    });
    expect(smsConfigSchema.parse({ gateway: 'android', url: 'http://192.168.1.20:8080' })).toMatchObject({
      username: 'sms',
    });
    expect(() =>
      smsConfigSchema.parse({ gateway: 'smpp', host: 'h', systemId: 's', sourceAddr: 'x', password: 'p' }),
    ).toThrow();
    expect(() =>
      smsConfigSchema.parse({ gateway: 'africastalking', username: 'u', apiUrl: 'http://example.com' }),
    ).toThrow();
  });

  it('takes the adapter from the environment too', () => {
    const config = nodeConfigFromEnv({
      MISSION_ID: 'cm-yaounde',
      MISSION_NAME: 'Consulat',
      MISSION_DATA_DIR: '/tmp/x',
      MISSION_REGION: 'CM',
      MISSION_HOST_CURRENCY: 'XAF',
      MISSION_SMS_GATEWAY: 'africastalking',
      MISSION_AT_USERNAME: 'consulat',
    });
    expect(config.sms).toMatchObject({ gateway: 'africastalking', username: 'consulat' });
  });

  it('reads the SMPP password from a variable or a file of mode 600, and refuses a missing one', async () => {
    temp = await makeTempDir();
    const smpp = smsConfigSchema.parse({ gateway: 'smpp', host: 'h', systemId: 's', sourceAddr: 'CONSULAT' });
    expect(await loadSmsSecrets(smpp, { smppPassword: 'sesame' })).toEqual({ smppPassword: 'sesame' });
    const file = join(temp.dir, 'smpp-password');
    await writeFile(file, 'from-file\n', { mode: 0o644 });
    await expect(loadSmsSecrets(smpp, { smppPasswordFile: file })).rejects.toThrow(/chmod 600/);
    await chmod(file, 0o600);
    expect(await loadSmsSecrets(smpp, { smppPasswordFile: file })).toEqual({ smppPassword: 'from-file' });
    await expect(loadSmsSecrets(smpp, {})).rejects.toThrow(/MISSION_SMPP_PASSWORD/);
  });

  it('asks the Android adapter for its password and webhook key, the file adapter for nothing', async () => {
    const android = smsConfigSchema.parse({ gateway: 'android', url: 'http://192.168.1.20:8080' });
    await expect(loadSmsSecrets(android, { androidPassword: 'p' })).rejects.toThrow(
      /MISSION_ANDROID_WEBHOOK_KEY/,
    );
    expect(await loadSmsSecrets(smsConfigSchema.parse({ gateway: 'file' }), {})).toEqual({});
  });

  it('builds the configured adapter and refuses one without its secret', () => {
    const at = smsConfigSchema.parse({ gateway: 'africastalking', username: 'consulat' });
    expect(() => createSmsGateway(at, {}, '/tmp/sms.jsonl', sinks)).toThrow(TypeError);
    expect(typeof createSmsGateway(at, { atApiKey: 'k' }, '/tmp/sms.jsonl', sinks).send).toBe('function');
  });
});
