import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedBrokerFiles, testRoots } from './_util/test-files.js';

/** Test files under `dir` whose source names the shared broker's address. */
async function filesNamingTheSharedBroker(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const relative of await readdir(dir, { recursive: true })) {
    if (!relative.endsWith('.test.ts')) continue;
    const path = join(dir, relative);
    if (/testMqttUrl|TEST_MQTT_URL/.test(await readFile(path, 'utf8'))) found.push(path);
  }
  return found;
}

describe('test files on the shared Mosquitto', () => {
  it('are all run one at a time', async () => {
    const found = (await Promise.all(testRoots.map(filesNamingTheSharedBroker))).flat().sort();
    // The scan must see the files it guards, or an empty list would pass.
    expect(found).toContain('tests/sync.mosquitto.test.ts');
    expect(found.filter((path) => path !== 'tests/ci-shared-broker.test.ts')).toEqual(
      [...sharedBrokerFiles].sort(),
    );
  });
});
