import type { FileTransition } from './file-schema.js';
import { type FileState, isFinal, WAITING_ON_APPLICANT, type Workflow } from './workflow.js';

const DAY_MS = 86_400_000;

/** How long a file spent where, and how it stands against its service's target. */
export interface FileTiming {
  /** Milliseconds spent in each state visited (summed over repeated visits). */
  readonly perState: Readonly<Partial<Record<FileState, number>>>;
  /** From opening to the final state, or to now while the file is open. */
  readonly totalMs: number;
  /** Time on the mission's side: until the clock stops, without the time waiting on the applicant. */
  readonly processingMs: number;
  readonly waitingOnApplicantMs: number;
  readonly targetMs: number;
  readonly isOverdue: boolean;
  /** True once the file reached a state that stops the processing clock. */
  readonly isClockStopped: boolean;
}

/**
 * Computes a file's time in each state from its history. Targets are in calendar days, as the
 * catalogue states them; time awaiting payment or documents is the applicant's, not the mission's.
 */
export function fileTiming(
  history: readonly FileTransition[],
  options: { readonly workflow: Workflow; readonly targetDays: number; readonly now: Date },
): FileTiming {
  const last = history.at(-1);
  const first = history[0];
  if (!first || !last) throw new TypeError('a file has at least its opening in its history');
  const end = isFinal(options.workflow, last.to) ? Date.parse(last.at) : options.now.getTime();
  const stop = history.find((move) => options.workflow.clockStops.includes(move.to));
  const stopAt = stop ? Date.parse(stop.at) : end;
  const perState: Partial<Record<FileState, number>> = {};
  let processingMs = 0;
  let waitingOnApplicantMs = 0;
  history.forEach((move, index) => {
    const from = Date.parse(move.at);
    const to = Math.max(from, index + 1 < history.length ? Date.parse(history[index + 1]!.at) : end);
    perState[move.to] = (perState[move.to] ?? 0) + (to - from);
    const counted = Math.max(0, Math.min(to, stopAt) - from);
    if (WAITING_ON_APPLICANT.includes(move.to)) waitingOnApplicantMs += counted;
    else processingMs += counted;
  });
  const targetMs = Math.round(options.targetDays * DAY_MS);
  return {
    perState,
    totalMs: end - Date.parse(first.at),
    processingMs,
    waitingOnApplicantMs,
    targetMs,
    isOverdue: processingMs > targetMs,
    isClockStopped: stop !== undefined,
  };
}
