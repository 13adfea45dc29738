/**
 * Keeps a service running until SIGINT or SIGTERM, then closes it once and exits. A second
 * signal while closing exits at once (the operator insists). When `failure` resolves first (a
 * part the service cannot run without has gone), it closes as well and the process exits with 1,
 * so that its supervisor (systemd) starts it again.
 */
export function runUntilSignal(close: () => Promise<void>, failure?: Promise<string>): Promise<void> {
  return new Promise((resolve) => {
    let closing = false;
    const stop = (why: string) => {
      closing = true;
      process.stderr.write(why);
      close()
        .catch((error: unknown) => process.stderr.write(`error while stopping: ${String(error)}\n`))
        .finally(() => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          resolve();
        });
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (closing) process.exit(130);
      stop(`\n${signal}: stopping…\n`);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    void failure?.then((reason) => {
      if (closing) return;
      process.exitCode = 1;
      stop(`fatal: ${reason}: stopping\n`);
    });
  });
}
