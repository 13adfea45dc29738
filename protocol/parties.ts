import { z } from 'zod';

/** The party id of the ministry's hub. */
export const HUB_ID = 'hub';

/**
 * A mission id: ISO 3166 alpha-2 country code of the host country, a dash, the city
 * (`fr-paris`, `cm-yaounde`). Safe as an MQTT topic level and a directory name.
 */
export const missionIdSchema = z
  .string()
  .max(40)
  .regex(/^[a-z]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a mission id is like fr-paris: country code, dash, city');

/** Either the hub or a mission. */
export const partyIdSchema = z.union([z.literal(HUB_ID), missionIdSchema]);

/** A mission id. */
export type MissionId = z.infer<typeof missionIdSchema>;
/** The hub's id or a mission id. */
export type PartyId = z.infer<typeof partyIdSchema>;

/** True when the text is a well-formed mission id. */
export function isMissionId(text: string): boolean {
  return missionIdSchema.safeParse(text).success;
}
