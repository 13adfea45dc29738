/** The line a child process prints on stdout once it is serving. */
export const READY_LINE = 'ready';

// Entry scripts run their work at import: tests import only this file and their config types.

/** File names inside the node child's directory. */
export const NODE_FILES = {
  dataKey: 'data.key',
  missionKey: 'mission.key',
  enrolment: 'enrolment.json',
  database: 'mission.sqlite',
} as const;

/** The JSON configuration a child reads from its first argument. */
export function childConfig<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new TypeError('usage: node --import tsx <child.ts> <json config>');
  return JSON.parse(raw) as T;
}

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits 0; a failure to stop exits 1 with the reason
 * on stderr, so the test sees an unclean stop.
 */
export function exitCleanlyOnSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
