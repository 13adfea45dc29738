import { dashboardCharts } from '../../dashboards/charts.js';
import type { Dashboard } from '../../dashboards/dashboard.js';
import { openFiles } from '../../dashboards/files.js';
import { formatCell } from '../../dashboards/format.js';
import { dayOf, lastDayOf, PERIOD_PRESETS, type PeriodFilter } from '../../dashboards/period.js';
import { type DashboardTable, dashboardTables, type TableId } from '../../dashboards/tables.js';
import { can } from '../../services/users/permissions.js';
import type { MinistryUser } from '../../services/users/user-rows.js';
import { WEB_BASE } from './web-deps.js';

/** Tables a role needs more than `dashboard.read` to see (the registry queue is état civil's). */
export const TABLE_PERMISSION: Partial<Record<TableId, 'registry.read'>> = { registre: 'registry.read' };

/** Whether a user may see (and export) a table. */
export function canSeeTable(user: MinistryUser, id: TableId): boolean {
  const permission = TABLE_PERMISSION[id];
  return permission === undefined || can(user, permission);
}

/** The key figures at the top of a dashboard: id (for the page and its tests), label, text. */
function keyFigures(d: Dashboard) {
  const a = d.activity.total.appointments;
  const online = d.links.filter((link) => link.online).length;
  const figure = (id: string, label: string, text: string) => ({ id, label, text });
  return [
    figure('online', 'Missions en ligne', `${online} / ${d.links.length}`),
    figure('backlog', 'Événements en attente', formatCell(sum(d.links.map((l) => l.backlog)), 'int')),
    figure('booked', 'Rendez-vous réservés', formatCell(a.booked, 'int')),
    figure('honoured', 'Rendez-vous honorés', formatCell(a.honoured, 'int')),
    figure('no-show-rate', 'Taux d’absence', formatCell(a.noShowRate, 'share')),
    figure('files-open', 'Dossiers en cours', formatCell(openFiles(d.files.total), 'int')),
    figure('satisfaction', 'Satisfaction', formatCell(d.activity.total.satisfaction.average, 'rating')),
    figure('overdue', 'Directives en retard', formatCell(sum(d.directives.map((x) => x.overdue)), 'int')),
  ];
}

/** Everything a dashboard view shows, formatted in French. */
export function dashboardView(d: Dashboard, user: MinistryUser, filter: PeriodFilter) {
  const query = exportQuery(filter, d.missionId);
  return {
    figures: keyFigures(d),
    charts: dashboardCharts(d),
    tables: dashboardTables(d)
      .filter((table) => canSeeTable(user, table.id))
      .map((table) => formatTable(table, `${WEB_BASE}/export/${table.id}.csv${query}`)),
    period: {
      from: dayOf(d.period.from),
      to: lastDayOf(d.period),
      preset: filter.du || filter.au ? '' : (filter.periode ?? '30j'),
      presets: Object.keys(PERIOD_PRESETS).map((value) => ({ value, label: PRESET_LABELS[value] ?? value })),
    },
    generatedAt: formatCell(d.generatedAt, 'instant'),
  };
}

const PRESET_LABELS: Readonly<Record<string, string>> = {
  '7j': '7 derniers jours',
  '30j': '30 derniers jours',
  '90j': '90 derniers jours',
  '12m': '12 derniers mois',
  '5a': '5 dernières années',
};

function formatTable(table: DashboardTable, csvHref: string) {
  return {
    id: table.id,
    title: table.title,
    csvHref,
    columns: table.columns.map((column) => ({ label: column.label, numeric: column.format !== 'text' })),
    rows: table.rows.map((row) =>
      table.columns.map((column) => formatCell(row[column.key] ?? null, column.format)),
    ),
  };
}

function exportQuery(filter: PeriodFilter, missionId: string | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (typeof value === 'string') params.set(key, value);
  if (missionId) params.set('mission', missionId);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function sum(values: readonly number[]): number {
  return values.reduce((total, n) => total + n, 0);
}
