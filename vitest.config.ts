import { configDefaults, defineConfig } from 'vitest/config';
import { sharedBrokerFiles, testRoots } from './tests/_util/test-files.js';

const include = testRoots.map((root) => `${root}/**/*.test.ts`);

export default defineConfig({
  test: {
    // A timeout here only catches a test that hangs; speed is measured in `npm run bench`. The CI
    // machines are shared: the same suite has taken 6 minutes on one run and 12.5 on the next.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // In CI a failed test runs once more: one that fails twice fails the run; one that passes on
    // its retry is named at the run's end (tests/_util/flaky-reporter.ts) to be mended, not hidden.
    retry: process.env.CI ? 1 : 0,
    pool: 'forks',
    // Node 24's V8 can abort a process that builds and frees many WebAssembly modules (each PGlite
    // instance compiles a dozen): "Check failed: jit_page_->allocations_.erase(addr) == 1" in
    // UnregisterWasmAllocation, nodejs/node#66366, fixed in V8 but not yet in a 24.x release. It
    // killed a worker mid-file in CI. Without wasm code GC the freeing that trips it never runs;
    // test workers are short-lived, so the code it would reclaim goes with the process.
    execArgv: ['--no-wasm-code-gc'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include,
          exclude: [...configDefaults.exclude, ...sharedBrokerFiles],
          // Most files wait on sockets, timers and child processes more than they compute, so two
          // run side by side even on two cores; every file owns its servers, ports, PostgreSQL
          // schema and directories, so none sees another's.
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: 'shared-broker',
          include: sharedBrokerFiles,
          // These share the one Mosquitto of TEST_MQTT_URL (its topics, its retained messages, its
          // shared subscriptions): one file at a time, after the rest.
          maxWorkers: 1,
        },
      },
    ],
  },
});
