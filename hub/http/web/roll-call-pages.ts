import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formatCell } from '../../dashboards/format.js';
import { DirectiveError } from '../../services/directives/issue-directive.js';
import { ROLL_CALL_COLUMNS, rollCallRows } from '../../services/roll-calls/roll-call-csv.js';
import type { RollCallTotals } from '../../services/roll-calls/roll-call-read.js';
import type { RollCallsService } from '../../services/roll-calls/roll-calls-service.js';
import { can } from '../../services/users/permissions.js';
import { renderHubPage } from './render.js';
import { EMPTY_ROLL_CALL_FORM, type RollCallFormValues, readRollCallForm } from './roll-call-form.js';
import { sendCsv } from './send-csv.js';
import { type HubWebDeps, WEB_BASE } from './web-deps.js';
import { webGuard, webUser } from './web-guard.js';

const LIST_PATH = `${WEB_BASE}/appels`;
const FORM_PATH = `${LIST_PATH}/nouveau`;

/** Why the service refused the roll-call, in the form's words and on which field. */
const REFUSAL: Readonly<Record<DirectiveError['code'], { field: string; message: string }>> = {
  unknown_mission: {
    field: 'missions',
    message: 'Une mission choisie n’est plus inscrite : rechargez la liste.',
  },
  no_target: { field: 'missions', message: 'Aucune mission inscrite ne peut recevoir cet appel.' },
  invalid_dates: { field: 'endsAt', message: 'La fin doit être à venir.' },
};
const params = z.strictObject({ id: z.uuid() });

/** The agents' follow-up outcomes a mission reports, in French; another is shown as sent. */
const OUTCOME_LABELS: Readonly<Record<string, string>> = {
  reached_by_phone: 'joint par téléphone',
  visited: 'visité',
  evacuated: 'évacué',
  unreachable: 'injoignable',
};

/** The counts as the pages show them, in French number format. */
function totalsCells(totals: RollCallTotals) {
  const n = (value: number) => formatCell(value, 'int');
  return {
    people: n(totals.people),
    reached: n(totals.reached),
    safe: n(totals.safe),
    needHelp: n(totals.needHelp),
    notInZone: n(totals.notInZone),
    noAnswer: n(totals.noAnswer),
  };
}

/**
 * Crisis roll-calls at HQ: the roll-calls ordered, with their counts network-wide, and those the
 * missions started themselves; one ordered roll-call with its counts per mission and its CSV.
 * Live as the missions' counts arrive (the change feed's `events` notices). Counts only.
 */
export function rollCallPages(rollCalls: RollCallsService): FastifyPluginAsync<HubWebDeps> {
  return async (app: FastifyInstance, deps: HubWebDeps) => {
    const pages = app.withTypeProvider<ZodTypeProvider>();
    app.hubNav.add({ href: LIST_PATH, label: 'Appels de crise', permission: 'directives.read', order: 35 });

    pages.get('/appels', { preHandler: webGuard(deps, 'directives.read') }, async (request, reply) => {
      const { ordered, local } = await rollCalls.list();
      return renderHubPage(request, reply, 'roll-calls', {
        title: 'Appels de crise',
        live: true,
        liveMission: '',
        formHref: can(request.user, 'directives.write') ? FORM_PATH : null,
        ordered: ordered.map((rollCall) => ({
          href: `${LIST_PATH}/${rollCall.id}`,
          title: rollCall.title,
          issuedAt: formatCell(new Date(rollCall.issuedAt), 'instant'),
          endsAt: formatCell(new Date(rollCall.endsAt), 'instant'),
          missions: `${rollCall.reporting}/${rollCall.missionCount}`,
          ...totalsCells(rollCall.totals),
        })),
        local: local.map((rollCall) => ({
          missionId: rollCall.missionId,
          title: rollCall.title,
          state: rollCall.state === 'open' ? 'ouvert' : 'clos',
          startedAt: formatCell(new Date(rollCall.startedAt), 'instant'),
          ...totalsCells(rollCall.counts),
        })),
      });
    });

    // `/web/appels/nouveau`: the ministry orders a roll-call at every mission or those it picks
    // (the same service as POST /api/v1/roll-calls: a directive, audited); a refusal shows the form
    // again with what was typed and a message by each field.
    const write = webGuard(deps, 'directives.write');
    pages.get('/appels/nouveau', { preHandler: write }, async (request, reply) =>
      formPage(deps, request, reply, EMPTY_ROLL_CALL_FORM, {}),
    );
    pages.post('/appels/nouveau', { preHandler: [write, app.csrfProtection] }, async (request, reply) => {
      const form = readRollCallForm(request.body, deps.services.now());
      if (!form.ok) return formPage(deps, request, reply.status(400), form.values, form.errors);
      try {
        const issued = await rollCalls.start(form.input, webUser(request).displayName);
        return reply.redirect(`${LIST_PATH}/${encodeURIComponent(issued.directive.directiveId)}`, 303);
      } catch (error) {
        if (!(error instanceof DirectiveError)) throw error;
        const { field, message } = REFUSAL[error.code];
        return formPage(deps, request, reply.status(error.code === 'no_target' ? 409 : 400), form.values, {
          [field]: message,
        });
      }
    });

    pages.get(
      '/appels/:id',
      { schema: { params }, preHandler: webGuard(deps, 'directives.read') },
      async (request, reply) => {
        const detail = await rollCalls.detail(request.params.id);
        if (!detail) return reply.callNotFound();
        // Personal data, asked by the directive and approved by each mission's consul: never cached,
        // and shown only to those who act on it (the cabinet and the directorate).
        const mayReadPeople = can(request.user, 'roll_calls.people');
        const needHelp = detail.needHelpList && mayReadPeople ? await rollCalls.needHelpLists(detail.id) : [];
        if (detail.needHelpList) void reply.header('cache-control', 'no-store');
        return renderHubPage(request, reply, 'roll-call', {
          title: detail.title,
          live: true,
          liveMission: '',
          rollCall: {
            title: detail.title,
            message: detail.message.fr,
            issuedAt: formatCell(new Date(detail.issuedAt), 'instant'),
            issuedBy: detail.issuedBy,
            endsAt: formatCell(new Date(detail.endsAt), 'instant'),
            zone: zoneLabel(detail.zone),
            needHelpList: detail.needHelpList,
            mayReadPeople,
            reporting: `${detail.reporting} mission(s) sur ${detail.missionCount} ont envoyé leurs comptes`,
          },
          needHelp: needHelp.map((list) => ({
            mission: list.missionName,
            listedAt: formatCell(new Date(list.listedAt), 'instant'),
            people: list.people.map((person) => ({
              name: person.name,
              phone: person.phone ?? '—',
              city: person.city ?? '—',
              answeredAt: person.answeredAt ? formatCell(new Date(person.answeredAt), 'instant') : '—',
              outcome:
                person.outcome === null
                  ? '—'
                  : `${OUTCOME_LABELS[person.outcome] ?? person.outcome}${person.outcomeAt ? ` (${formatCell(new Date(person.outcomeAt), 'instant')})` : ''}`,
            })),
          })),
          needHelpMissing: detail.missions
            .filter((mission) => !needHelp.some((list) => list.missionId === mission.missionId))
            .map((mission) => mission.missionName),
          csvHref: `${WEB_BASE}/export/appels/${detail.id}.csv`,
          columns: ROLL_CALL_COLUMNS.map((column) => column.label),
          rows: rollCallRows(detail).map((row) =>
            ROLL_CALL_COLUMNS.map((column) => formatCell(row[column.key] ?? null, column.format)),
          ),
        });
      },
    );

    pages.get(
      '/export/appels/:id.csv',
      { schema: { params }, preHandler: webGuard(deps, 'directives.read') },
      async (request, reply) => {
        const file = await rollCalls.csv(request.params.id);
        if (!file) return reply.callNotFound();
        return sendCsv(reply, file);
      },
    );
  };
}

async function formPage(
  deps: HubWebDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  values: RollCallFormValues,
  errors: Readonly<Record<string, string>>,
) {
  const chosen = new Set(values.missions);
  const missions = await deps.services.directives.targets();
  return renderHubPage(request, reply, 'roll-call-form', {
    title: 'Nouvel appel de crise',
    action: FORM_PATH,
    values,
    errors,
    hasErrors: Object.keys(errors).length > 0,
    missions: missions.map((mission) => ({ ...mission, checked: chosen.has(mission.id) })),
  });
}

function zoneLabel(zone: unknown): string {
  const value = zone as { all?: true; cities?: string[]; regions?: string[] };
  if (value.cities) return `villes : ${value.cities.join(', ')}`;
  if (value.regions) return `régions : ${value.regions.join(', ')}`;
  return 'tous les ressortissants inscrits';
}
