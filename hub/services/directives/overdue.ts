// When a directive is overdue at a mission, written once for every reader: the reminders, the
// directive list and page, the dashboards. Overdue: the directive asks for an acknowledgement, none
// came a day (REMINDER_AFTER_MS) after it was sent — when the hub starts reminding — and it has not
// expired. SQL and TypeScript say the same rule; the tests hold the page and the list to one answer.

/** How long a mission has before the first reminder, and between reminders. */
export const REMINDER_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * The rule as a SQL condition over a directive `d` and its status at a mission `s`; `due` and
 * `now` name the parameters holding {@link overdueParams} (or, for the reminders, their own due).
 */
export function overdueSql(due: string, now: string): string {
  return `d.requires_ack AND s.acknowledged_at IS NULL AND s.sent_at <= ${due}
          AND (d.expires_at IS NULL OR d.expires_at > ${now})`;
}

/** The `due` and `now` parameters of {@link overdueSql}, at an instant. */
export function overdueParams(now: Date): [due: Date, now: Date] {
  return [new Date(now.getTime() - REMINDER_AFTER_MS), now];
}

/** A directive's state at one mission, as the rule reads it. */
export interface AcknowledgementState {
  readonly requiresAck: boolean;
  readonly expiresAt: Date | null;
  readonly sentAt: string | null;
  readonly acknowledgedAt: string | null;
}

/** The rule of {@link overdueSql}, for one status already read. */
export function isOverdue(state: AcknowledgementState, now: Date): boolean {
  if (!state.requiresAck || state.acknowledgedAt !== null || state.sentAt === null) return false;
  const isLive = state.expiresAt === null || state.expiresAt > now;
  return isLive && Date.parse(state.sentAt) <= now.getTime() - REMINDER_AFTER_MS;
}
