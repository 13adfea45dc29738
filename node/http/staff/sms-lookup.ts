import { missionPrefix } from '../../config/config.js';
import { normaliseReference } from '../../services/appointments/reference.js';
import { parseTrackingNumber } from '../../services/files/tracking-number.js';
import type { Permission } from '../../services/staff/index.js';
import type { StaffHttpDeps } from './staff-deps.js';

/** Who may read delivery states: the counter, which answers "I never got the SMS". */
export const SMS_READ_PERMISSION: Permission = 'appointments.read';

/**
 * The ref SMS rows carry for what an agent typed: files' SMS are filed under the file's id, so a
 * tracking number is turned into it; an appointment reference is put in its canonical form.
 */
export function smsRefOf(deps: StaffHttpDeps, typed: string): string {
  const tracking = parseTrackingNumber(typed, missionPrefix(deps.config));
  if (tracking.ok) return deps.domain.files.findByTrackingNumber(tracking.trackingNumber)?.id ?? typed;
  return normaliseReference(typed) ?? typed;
}
