import { describe, expect, it } from 'vitest';
import { testDatabaseUrl, testMqttUrl } from './_util/services.js';

describe('CI real-server configuration', () => {
  it.runIf(process.env.CI)('has TEST_DATABASE_URL and TEST_MQTT_URL when CI is set', () => {
    expect(testDatabaseUrl, 'TEST_DATABASE_URL must be set in CI').toBeTruthy();
    expect(testMqttUrl, 'TEST_MQTT_URL must be set in CI').toBeTruthy();
  });
});
