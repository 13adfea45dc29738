import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formatCell } from '../../dashboards/format.js';
import {
  type DirectiveDetail,
  MISSION_COLUMNS,
  type MissionState,
  PRIORITY_LABEL,
} from '../../services/directives/directive-detail.js';
import { can } from '../../services/users/permissions.js';
import { pageCells } from './directive-cells.js';
import { renderHubPage } from './render.js';
import { type HubWebDeps, WEB_BASE } from './web-deps.js';
import { webGuard } from './web-guard.js';

const STATE_CLASS: Readonly<Record<MissionState, string>> = {
  accusée: 'acknowledged',
  'en retard': 'overdue',
  reçue: 'received',
  envoyée: 'sent',
  'non envoyée': 'unsent',
};

/**
 * The latest directives with, for each, how many missions received, acknowledged, are overdue; and
 * one directive with its state at each mission. Both refresh live as receipts and acknowledgements
 * arrive (the change feed's `directives` notices).
 */
export async function directivePages(app: FastifyInstance, deps: HubWebDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { directives } = deps.services;

  pages.get('/directives', { preHandler: webGuard(deps, 'directives.read') }, async (request, reply) => {
    const rows = await directives.list();
    return renderHubPage(request, reply, 'directives', {
      title: 'Directives',
      live: true,
      liveMission: '',
      canWrite: can(request.user, 'directives.write'),
      csvHref: `${WEB_BASE}/export/directives.csv`,
      directives: rows.map((row) => ({
        href: `${WEB_BASE}/directives/${row.id}`,
        title: row.title,
        priority: row.cells.priority,
        issuedAt: formatCell(row.cells.issuedAt ?? null, 'instant'),
        issuedBy: row.cells.issuedBy,
        targeted: row.cells.targeted,
        received: row.cells.received,
        acknowledged: row.requiresAck ? row.cells.acknowledged : 'sans objet',
        overdue: row.cells.overdue,
      })),
    });
  });

  pages.get(
    '/directives/:id',
    {
      schema: { params: z.strictObject({ id: z.uuid() }) },
      preHandler: webGuard(deps, 'directives.read'),
    },
    async (request, reply) => {
      const detail = await directives.detail(request.params.id);
      if (!detail) return reply.callNotFound();
      return renderHubPage(request, reply, 'directive', {
        title: detail.title.fr ?? 'Directive',
        live: true,
        liveMission: '',
        directive: headerOf(detail),
        counts: countsOf(detail),
        csvHref: `${WEB_BASE}/export/directives/${detail.id}.csv`,
        columns: MISSION_COLUMNS.map((column) => column.label),
        rows: detail.missions.map((row) => ({
          missionId: row.missionId,
          stateClass: STATE_CLASS[row.state],
          cells: pageCells(MISSION_COLUMNS, row.cells),
        })),
      });
    },
  );
}

function headerOf(detail: DirectiveDetail) {
  const translations = [
    { key: 'sg', language: 'Sango' },
    { key: 'en', language: 'Anglais' },
  ].filter(({ key }) => detail.title[key] || detail.body[key]);
  return {
    title: detail.title.fr ?? '—',
    body: detail.body.fr ?? '',
    priority: PRIORITY_LABEL[detail.priority] ?? detail.priority,
    issuedAt: formatCell(detail.issuedAt, 'instant'),
    issuedBy: detail.issuedBy,
    effectiveAt: formatCell(detail.effectiveAt, 'instant'),
    expiresAt: detail.expiresAt ? formatCell(detail.expiresAt, 'instant') : null,
    target:
      detail.target === 'all' ? 'toutes les missions' : `missions choisies : ${detail.target.join(', ')}`,
    requiresAck: detail.requiresAck,
    translations: translations.map(({ key, language }) => ({
      language,
      title: detail.title[key] ?? '',
      body: detail.body[key] ?? '',
    })),
  };
}

function countsOf(detail: DirectiveDetail): string {
  const count = (state: MissionState) => detail.missions.filter((row) => row.state === state).length;
  const received = detail.missions.filter((row) => row.cells.receivedAt !== null).length;
  const parts = [`${detail.missions.length} mission(s)`, `${received} reçue(s)`];
  if (detail.requiresAck) parts.push(`${count('accusée')} accusée(s)`, `${count('en retard')} en retard`);
  return parts.join(' · ');
}
