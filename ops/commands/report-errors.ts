/**
 * Runs a command's work. Refusals with a stable code (wrong key, target exists, bad input line…)
 * are the operator's to fix: the message alone, without a stack trace, and exit code 1. Anything
 * else is a fault and propagates with its stack.
 */
export async function reportErrors(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (!(error instanceof Error) || typeof code !== 'string') throw error;
    process.stderr.write(`error (${code}): ${error.message}\n`);
    process.exitCode = 1;
  }
}
