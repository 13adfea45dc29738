import cliProgress from 'cli-progress';

/** A report of how far a long step has gone: a backup's pages or bytes, a restore's chunks. */
export interface StepProgress {
  readonly phase: string;
  readonly unit: string;
  readonly done: number;
  readonly total: number;
}

/**
 * One bar per phase (pages copied, bytes encrypted or decrypted, chunks fetched); silent when
 * stderr is not a terminal.
 */
export function progressBar(): { listener: (progress: StepProgress) => void; stop(): void } {
  const bar = new cliProgress.SingleBar(
    { format: '{phase} [{bar}] {percentage}% {value}/{total} {unit}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let phase: string | undefined;
  const stop = () => {
    if (phase !== undefined) bar.stop();
    phase = undefined;
  };
  const listener = (progress: StepProgress) => {
    if (progress.phase === phase) return bar.update(progress.done);
    stop();
    phase = progress.phase;
    bar.start(progress.total, progress.done, { phase: progress.phase.padEnd(7), unit: progress.unit });
  };
  return { listener, stop };
}
