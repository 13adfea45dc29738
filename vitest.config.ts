import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'tests/**/*.test.ts',
      'protocol/**/*.test.ts',
      'common/**/*.test.ts',
      'node/**/*.test.ts',
      'hub/**/*.test.ts',
      'ops/**/*.test.ts',
    ],
    // A timeout here only catches a test that hangs; speed is measured in `npm run bench`. The CI
    // machines are shared: the same suite has taken 6 minutes on one run and 12.5 on the next.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
