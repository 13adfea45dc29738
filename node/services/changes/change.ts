/**
 * A committed change, as the agents' open screens hear of it: references and states only, never
 * a name or a phone number. A screen that cares fetches its list again through the usual routes,
 * where permissions apply.
 */
export interface Change {
  /** The event kind (`appointment.booked`, `file.opened`, …) or `directive.received|acknowledged`. */
  readonly type: string;
  /** The booking reference, file id, invoice id… the change is about. */
  readonly ref?: string;
  readonly serviceCode?: string;
  readonly state?: string;
  /** When it happened (ISO 8601). */
  readonly at: string;
}

/** Hears of changes; must not throw (a listener that throws is skipped for that change). */
export type ChangeListener = (change: Change) => void;
