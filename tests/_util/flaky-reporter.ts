import { appendFileSync, mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestCase } from 'vitest/node';

/**
 * Lists each test that passed only on a retry (CI retries a failed test once, vitest.config.ts) in
 * .tmp/flaky.txt, which .ci/run prints at its end: a flaky test does not sink a run, and is not
 * hidden either.
 */
export default class FlakyReporter implements Reporter {
  onTestCaseResult(testCase: TestCase): void {
    const diagnostic = testCase.diagnostic();
    if (!diagnostic?.flaky) return;
    const where = relative(process.cwd(), testCase.module.moduleId);
    mkdirSync('.tmp', { recursive: true });
    appendFileSync(
      '.tmp/flaky.txt',
      `flaky on Node ${process.version}: ${where} > ${testCase.fullName} (passed after ${diagnostic.retryCount} retry)\n`,
    );
  }
}
