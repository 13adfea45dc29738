import type { Permission } from '../../services/staff/index.js';

/**
 * The permission a screen needs to hear of a change, by the area of its type (`appointment.held`
 * → appointment). Changes come from the domain's change feed (services/changes/): references and
 * states only, and a screen that cares fetches its list again through routes where permissions
 * apply.
 */
const AREA_PERMISSION: Readonly<Record<string, Permission>> = {
  appointment: 'appointments.read',
  file: 'files.read',
  invoice: 'payments.read',
  payment: 'payments.read',
  refund: 'payments.read',
  registration: 'registrations.manage',
  civil_status: 'civil_status.manage',
  directive: 'directives.read',
  roll_call: 'roll_calls.read',
};

/** The permission needed to receive a change; undefined (nobody receives it) for an unknown area. */
export function livePermission(type: string): Permission | undefined {
  const area = type.split('.')[0] ?? '';
  return Object.hasOwn(AREA_PERMISSION, area) ? AREA_PERMISSION[area] : undefined;
}
