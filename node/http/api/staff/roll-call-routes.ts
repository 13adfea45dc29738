import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  outcomeSchema,
  ROLL_CALL_STATUSES,
  type RollCall,
  startRollCallSchema,
} from '../../../services/roll-calls/index.js';
import { principalOf, requireStaff } from '../../staff/staff-auth.js';
import type { StaffHttpDeps } from '../../staff/staff-deps.js';

const idParams = z.strictObject({ id: z.uuid() });
const personParams = z.strictObject({ id: z.uuid(), personId: z.string().min(1).max(64) });
const peopleQuery = z.strictObject({
  status: z
    .string()
    .transform((value) => value.split(','))
    .pipe(z.array(z.enum(ROLL_CALL_STATUSES)))
    .optional(),
});
/**
 * Crisis roll-calls: a consul starts (a dry run first, to see the reach) and closes one; agents
 * read the counts, the people to call with their phone and address, the replies kept aside, and
 * record what their follow-up of each person came to.
 */
export async function staffRollCallRoutes(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { rollCalls, staff } = deps.domain;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const manage = requireStaff(staff, 'roll_calls.manage');
  const read = requireStaff(staff, 'roll_calls.read');
  const followUp = requireStaff(staff, 'roll_calls.follow_up');
  const actor = (request: Parameters<typeof principalOf>[0]) => principalOf(request).username;
  const now = deps.now ?? (() => new Date());
  // Checked here too, so that the refusal names the field as the schema's others do.
  const startBody = startRollCallSchema.refine((body) => Date.parse(body.endsAt) > now().getTime(), {
    path: ['endsAt'],
    error: 'the roll-call must end in the future',
  });

  api.post('/roll-calls', { preHandler: manage, schema: { body: startBody } }, async (request, reply) => {
    const outcome = rollCalls.start(request.body, { actor: actor(request) });
    if (outcome.dryRun) return { dryRun: true, ...outcome.reach };
    return reply
      .status(201)
      .send({ ...view(rollCalls.get(outcome.id)), reach: outcome.reach, queued: outcome.queued });
  });
  api.get('/roll-calls', { preHandler: read }, async () => ({ rollCalls: rollCalls.list() }));
  api.get('/roll-calls/:id', { preHandler: read, schema: { params: idParams } }, async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    return view(rollCalls.get(request.params.id));
  });
  api.get(
    '/roll-calls/:id/people',
    { preHandler: read, schema: { params: idParams, querystring: peopleQuery } },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const statuses = request.query.status;
      return { people: rollCalls.people(request.params.id, statuses ? { statuses } : {}) };
    },
  );
  api.get(
    '/roll-calls/:id/replies',
    { preHandler: read, schema: { params: idParams } },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      return { replies: rollCalls.replies(request.params.id) };
    },
  );
  api.post(
    '/roll-calls/:id/people/:personId/outcome',
    { preHandler: followUp, schema: { params: personParams, body: outcomeSchema } },
    async (request) =>
      rollCalls.recordOutcome(request.params.id, request.params.personId, request.body, actor(request)),
  );
  // The consul's word on the ministry's request for the list of the people who need help.
  api.post(
    '/roll-calls/:id/need-help-list',
    {
      preHandler: manage,
      schema: { params: idParams, body: z.strictObject({ decision: z.enum(['approve', 'refuse']) }) },
    },
    async (request) => {
      const changed = rollCalls.decideNeedHelpList(request.params.id, request.body.decision, actor(request));
      return { ...view(rollCalls.get(request.params.id)), changedNow: changed };
    },
  );
  api.post('/roll-calls/:id/close', { preHandler: manage, schema: { params: idParams } }, async (request) => {
    const closed = rollCalls.close(request.params.id, actor(request));
    return { ...view(rollCalls.get(request.params.id)), closedNow: closed };
  });
}

// The counts at the top level, as the issue names them (`reached`, `safe`, `needHelp`, …).
function view(rollCall: RollCall) {
  return { ...rollCall, ...rollCall.counts };
}
