import type { Zone } from './roll-call-schema.js';
import { words } from './roll-call-targets.js';

const CITY_MAX = 100;

/**
 * The city of a registered address, and nothing of the street: what HQ is told of where a person
 * who needs help is. Addresses are free text; in a zone of cities or regions, the place of the zone
 * the address names (as the zone was matched); else the last part of the address after a comma or
 * a line break, its postcode and numbers dropped (`12 rue de Bangui, 75011 Paris` → `Paris`), or,
 * with no such break, its last word without digits. Null when nothing is left.
 */
export function cityOf(address: string | undefined, zone: Zone): string | null {
  if (address === undefined || address.trim() === '') return null;
  if (!('all' in zone)) {
    const padded = ` ${words(address)} `;
    const places = 'cities' in zone ? zone.cities : zone.regions;
    const named = places.find((place) => {
      const bare = words(place);
      return bare !== '' && padded.includes(` ${bare} `);
    });
    if (named !== undefined) return named.slice(0, CITY_MAX);
  }
  const parts = address
    .split(/[,\n;]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const last = parts.at(-1) ?? '';
  const kept = last.split(/\s+/).filter((word) => word !== '' && !/\d/.test(word));
  const city = parts.length > 1 ? kept.join(' ') : (kept.at(-1) ?? '');
  return city === '' ? null : city.slice(0, CITY_MAX);
}
