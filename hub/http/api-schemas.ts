import { z } from 'zod';
import { localizedTextSchema, missionIdSchema } from '../../protocol/index.js';
import { instantResponse } from './wire.js';

// Response schemas of the hub's JSON API. Serialisation goes through them (fastify-type-provider-zod),
// so they name every field a route answers; objects the hub stores as the missions sent them
// (persons, registry records) stay open.

const nullableInstant = instantResponse.nullable();

/** `GET /missions`: every enrolled mission with its link status. */
export const missionsResponse = z.object({
  missions: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      online: z.boolean(),
      lastSeenAt: nullableInstant.describe('timestamp the mission sealed on the newest message taken'),
      lastReceivedAt: nullableInstant.describe('when the hub took that message, by its own clock'),
      lastSyncAt: nullableInstant.describe('when the mission last had nothing left to send'),
      backlog: z.int().describe('events the mission had left to send'),
      backlogOldestAt: nullableInstant,
      softwareVersion: z.string().nullable(),
      revoked: z.boolean(),
      eventsReceived: z.int(),
      offsiteBackup: z
        .object({
          generation: z.int(),
          completedAt: instantResponse,
          bytes: z.int().describe('the generation’s size: every chunk it names'),
          bytesSent: z.int().describe('what its transfer brought that the hub did not hold yet'),
          ageHours: z.number().describe('hours since it completed'),
        })
        .nullable()
        .describe('the newest off-site backup the hub stored whole, or null before the first'),
    }),
  ),
});

/** `GET /missions/:id/offsite-backups`: the generations the hub holds, newest first. */
export const offsiteGenerationsResponse = z.object({
  generations: z.array(
    z.object({
      generation: z.int(),
      createdAt: instantResponse.describe('when the mission made it, by its clock'),
      completedAt: nullableInstant.describe('when the hub held every chunk; null while pending'),
      bytes: z.int(),
      state: z.enum(['pending', 'stored']),
    }),
  ),
});

/** `GET /missions/:id/offsite-backups/:generation`: the signed manifest, kept as the mission sent it. */
export const offsiteGenerationResponse = z.object({
  manifest: z.record(z.string(), z.unknown()).describe('offsite.manifest as the mission signed it'),
  signingKey: z
    .object({ partyId: z.string(), keyId: z.string(), signPublicKey: z.string(), boxPublicKey: z.string() })
    .describe('the mission’s key the manifest was verified under when it came'),
  state: z.enum(['pending', 'stored']),
});

/** `GET /missions/:id/offsite-chunks/:address`: the sealed chunk itself. */
export const offsiteChunkResponse = z
  .string()
  .describe('application/octet-stream: the sealed chunk’s bytes, whose SHA-256 is the address asked for');

/** `POST /missions/:id/revoke`. */
export const revokedResponse = z.object({ revoked: z.string(), revocationListSerial: z.int() });

/** `POST /catalogue`: the version published and the missions it is queued for. */
export const cataloguePublishedResponse = z.object({ version: z.int(), missions: z.array(z.string()) });

/** `GET /dashboard/summary`. */
export const dashboardSummaryResponse = z.object({
  generatedAt: instantResponse,
  period: z.object({ from: instantResponse, to: instantResponse }),
  missions: z.object({ total: z.int(), online: z.int(), backlog: z.int() }),
  events: z.object({ total: z.int(), byKind: z.record(z.string(), z.int()) }),
  appointments: z.object({ booked: z.int(), cancelled: z.int(), checkedIn: z.int(), noShow: z.int() }),
  directives: z.object({ issued: z.int(), awaitingAcknowledgement: z.int() }),
  auditAnomalies: z.int(),
});

const visaFiguresResponse = z.object({
  key: z.string().describe('the mission id, or the nationality as the MRZ writes it'),
  requested: z.int().describe('applications submitted in the period'),
  granted: z.int().describe('grants decided in the period'),
  refused: z.int().describe('refusals decided in the period'),
  refusalShare: z.number().nullable(),
  medianHours: z.number().nullable().describe('from submission to decision, over the period’s decisions'),
  p90Hours: z.number().nullable(),
});

/** `GET /dashboard/visas`. */
export const visaDashboardResponse = z.object({
  period: z.object({ from: instantResponse, to: instantResponse }),
  total: visaFiguresResponse,
  byMission: z.array(visaFiguresResponse),
  byNationality: z.array(visaFiguresResponse),
});

const directiveFields = {
  directiveId: z.uuid(),
  title: localizedTextSchema,
  body: localizedTextSchema,
  priority: z.enum(['low', 'normal', 'high', 'urgent']),
  target: z.union([z.literal('all'), z.array(missionIdSchema)]),
  requiresAck: z.boolean(),
  issuedBy: z.string(),
  issuedAt: instantResponse,
};

/** `POST /directives`: the directive as sealed, and the missions it is queued for. */
export const directiveIssuedResponse = z.object({
  directive: z.object({
    ...directiveFields,
    effectiveAt: instantResponse,
    expiresAt: instantResponse.optional(),
  }),
  missions: z.array(z.string()),
});

/** `GET /directives/:id`: the directive and where it stands at each target mission. */
export const directiveStatusResponse = z.object({
  ...directiveFields,
  issuedAt: nullableInstant,
  effectiveAt: nullableInstant,
  expiresAt: nullableInstant,
  missions: z.array(
    z.object({
      missionId: z.string(),
      sentAt: nullableInstant,
      receivedAt: nullableInstant,
      acknowledgedAt: nullableInstant,
      acknowledgedBy: z.string().nullable(),
      comment: z.string().nullable(),
    }),
  ),
});

/** `GET /registry/queue`: one page of submissions of a status, oldest first. */
export const registryQueueResponse = z.object({
  status: z.enum(['review', 'pending', 'rejected']),
  total: z.int(),
  limit: z.int(),
  offset: z.int(),
  items: z.array(
    z.object({
      submissionId: z.string(),
      missionId: z.string(),
      kind: z.string(),
      recordId: z.string(),
      person: z.unknown().describe('the person as the mission submitted it'),
      receivedAt: instantResponse,
      score: z.number().nullable(),
      reasons: z.array(z.string()).readonly(),
      candidates: z.int(),
      duplicates: z.int(),
    }),
  ),
});

const storedSubmission = z.object({
  submissionId: z.string(),
  missionId: z.string(),
  kind: z.string(),
  recordId: z.string(),
  person: z.unknown().describe('the person as the mission submitted it'),
  eventDate: z.string().optional(),
  eventPlace: z.string().optional(),
  submittedAt: instantResponse,
  receivedAt: instantResponse,
  status: z.string(),
  origin: z.enum(['mission', 'import']),
});

/** `GET /registry/submissions/:id`: the submission, the registry persons weighed, its history. */
export const registrySubmissionResponse = z.object({
  submission: storedSubmission,
  decisions: z.array(
    z.object({
      decision: z.string(),
      personId: z.string().nullable(),
      score: z.number(),
      reasons: z.array(z.string()).readonly(),
      decidedBy: z.string(),
      decidedAt: instantResponse,
      note: z.string().nullable(),
    }),
  ),
  candidates: z.array(
    z.object({
      registryId: z.string(),
      score: z.number(),
      reasons: z.array(z.string()).readonly(),
      person: z.unknown().describe('the registry person, national id included'),
    }),
  ),
  duplicates: z.array(
    z.object({
      otherSubmissionId: z.string(),
      personId: z.string().nullable(),
      score: z.number(),
      reasons: z.array(z.string()).readonly(),
      foundAt: instantResponse,
      submission: storedSubmission,
    }),
  ),
  officers: z.array(
    z.object({ at: instantResponse, officer: z.string(), action: z.string(), note: z.string().nullable() }),
  ),
});

/** `POST /registry/submissions/:id/decision`. */
export const registryDecisionResponse = z.object({
  submissionId: z.string(),
  status: z.enum(['match', 'new', 'review', 'rejected']),
  nationalId: z.string().optional(),
  auditSeq: z.int(),
});

/** `POST /auth/login`: the bearer token, its absolute end, and who it is. */
export const loginResponse = z.object({
  token: z.string().describe('Authorization: Bearer <token>'),
  expiresAt: instantResponse,
  user: z.object({ username: z.string(), displayName: z.string(), roles: z.array(z.string()).readonly() }),
});

const ministryUser = z.object({
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()).readonly(),
  active: z.boolean(),
  totpEnrolled: z.boolean().describe('without it, login is refused'),
});

/** `GET /users`: every ministry account, by username. */
export const usersResponse = z.object({
  users: z.array(
    ministryUser.extend({
      lockedUntil: nullableInstant.describe('the end of a login lockout still running'),
      createdAt: instantResponse,
      lastLoginAt: nullableInstant,
    }),
  ),
});

/** `POST /users`: the account, and the password the hub made for it when none was given (shown once). */
export const userCreatedResponse = z.object({
  user: ministryUser,
  temporaryPassword: z.string().optional(),
});

/** The account after a change (`/users/:username/…`). */
export const userChangedResponse = z.object({ user: ministryUser });
