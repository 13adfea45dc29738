import { z } from 'zod';

/** What the agent reads from the document presented at the counter. */
export const checkInBody = z.strictObject({
  givenNames: z.string().trim().min(1).max(200),
  familyName: z.string().trim().min(1).max(200),
  documentNumber: z.string().trim().min(3).max(40),
});
