import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedBrokerFiles } from './_util/shared-broker-files.js';

/** Test files under `dir` whose source names the shared broker's address. */
async function filesNamingTheSharedBroker(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const relative of await readdir(dir, { recursive: true })) {
    if (!relative.endsWith('.test.ts')) continue;
    const path = join(dir, relative);
    if (/testMqttUrl|TEST_MQTT_URL/.test(await readFile(path, 'utf8'))) found.push(path);
  }
  return found.sort();
}

describe('test files on the shared Mosquitto', () => {
  it('are all run one at a time', async () => {
    const found = (
      await Promise.all(['tests', 'protocol', 'common', 'node', 'hub', 'ops'].map(filesNamingTheSharedBroker))
    ).flat();
    // The scan must see the files it guards, or an empty list would pass.
    expect(found).toContain('tests/sync.mosquitto.test.ts');
    expect(found.filter((path) => path !== 'tests/ci-shared-broker.test.ts')).toEqual(
      [...sharedBrokerFiles].sort(),
    );
  });
});
