import { z } from 'zod';
import { revocationListSchema } from '../certificates.js';

/** revocation.list — the hub's current signed revocation list, pushed to every mission. */
export const REVOCATION_LIST = 'revocation.list';
export const revocationListMessageSchema = z.strictObject({ list: revocationListSchema });
export type RevocationListMessage = z.infer<typeof revocationListMessageSchema>;
