import type { Permission } from '../../services/staff/index.js';

/**
 * What changed, for the agents' open screens. Events carry references and states only, never a
 * name or a phone number: a screen that cares fetches its list again through the usual routes,
 * where permissions apply.
 */
export interface LiveEvent {
  /** `appointment.booked`, `file.opened`, `payment.recorded`, … (`<area>.<what happened>`). */
  readonly type: string;
  /** The booking reference, file id, invoice id… the event is about. */
  readonly ref?: string;
  readonly serviceCode?: string;
  readonly state?: string;
  /** When it happened (ISO 8601); the publish time when absent. */
  readonly at?: string;
}

/** A listener of the hub; returns nothing, and must not throw (it is isolated if it does). */
export type LiveListener = (event: Required<Pick<LiveEvent, 'type' | 'at'>> & LiveEvent) => void;

/** The in-process publisher the services' callers tell of changes. */
export interface LiveHub {
  /** Delivers an event to every listener now; never throws. */
  publish(event: LiveEvent): void;
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: LiveListener): () => void;
  /** How many listeners are attached (open agent screens). */
  readonly size: number;
}

/** The permission a screen needs to hear of an event, by the event type's area. */
const AREA_PERMISSION: Readonly<Record<string, Permission>> = {
  appointment: 'appointments.read',
  file: 'files.read',
  invoice: 'payments.read',
  payment: 'payments.read',
  registration: 'registrations.manage',
  civil_status: 'civil_status.manage',
  directive: 'directives.read',
};

/** The permission needed to receive an event; undefined (nobody receives it) for an unknown area. */
export function livePermission(type: string): Permission | undefined {
  const area = type.split('.')[0] ?? '';
  return Object.hasOwn(AREA_PERMISSION, area) ? AREA_PERMISSION[area] : undefined;
}

/** Creates a hub. One per node: the HTTP routes and the services' callers share it. */
export function createLiveHub(now: () => Date = () => new Date()): LiveHub {
  const listeners = new Set<LiveListener>();
  return {
    publish(event) {
      const stamped = { ...event, at: event.at ?? now().toISOString() };
      for (const listener of listeners) {
        try {
          listener(stamped);
        } catch {
          // A broken screen must not stop the others, nor the change that published the event.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get size() {
      return listeners.size;
    },
  };
}
