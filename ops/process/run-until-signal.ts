/**
 * Keeps a service running until SIGINT or SIGTERM, then closes it once and exits. A second
 * signal while closing exits at once (the operator insists).
 */
export function runUntilSignal(close: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let closing = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (closing) process.exit(130);
      closing = true;
      process.stderr.write(`\n${signal}: stopping…\n`);
      close()
        .catch((error: unknown) => process.stderr.write(`error while stopping: ${String(error)}\n`))
        .finally(() => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          resolve();
        });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
