/** The folders whose `*.test.ts` files make the suite (vitest.config.ts). */
export const testRoots = ['tests', 'protocol', 'common', 'node', 'hub', 'ops'];

/**
 * The test files that talk to the one Mosquitto of TEST_MQTT_URL. A hub under test there takes
 * shared subscriptions on the same topics as any other, and a spy subscribes to everything, so
 * two of these files running at once would take each other's messages: vitest runs them one at
 * a time (vitest.config.ts), and tests/ci-shared-broker.test.ts fails when a file that reads
 * TEST_MQTT_URL is missing from this list.
 */
export const sharedBrokerFiles = [
  'tests/ci-services.test.ts',
  'tests/hub.multi-process.browser.test.ts',
  'tests/hub.multi-process.test.ts',
  'tests/ops.loadgen.test.ts',
  'tests/protocol.mosquitto.test.ts',
  'tests/sync.mosquitto.test.ts',
];
