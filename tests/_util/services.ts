/**
 * Real servers for the suites that need them. CI exports TEST_DATABASE_URL and TEST_MQTT_URL;
 * on a laptop without them those suites are skipped with a visible message, and
 * tests/ci-services.test.ts fails when CI is set and they are missing, so CI never skips silently.
 */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL;
export const testMqttUrl = process.env.TEST_MQTT_URL;

/** Prints once why a suite is skipped. */
export function announceSkip(suite: string, variable: string): void {
  console.warn(`\n[skipped] ${suite}: set ${variable} to run it against a real server (.ci/run does).\n`);
}
