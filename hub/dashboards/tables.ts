import type { ActivityFigures, RevenueFigures } from './activity.js';
import type { Dashboard } from './dashboard.js';
import { FILE_STATE_LABELS, openFiles } from './files.js';
import type { CellFormat, CellValue } from './format.js';
import type { VisaFigures } from './visas.js';

/** One column of a dashboard table. */
export interface TableColumn {
  readonly key: string;
  readonly label: string;
  readonly format: CellFormat;
}

/** A table of a dashboard, as the page shows it and the CSV export writes it. */
export interface DashboardTable {
  /** Stable, URL-safe: the CSV export's file name. */
  readonly id: TableId;
  readonly title: string;
  readonly columns: readonly TableColumn[];
  readonly rows: readonly Readonly<Record<string, CellValue>>[];
}

/** Every table a dashboard has, in page order. */
export const TABLE_IDS = [
  'liaisons',
  'rendez-vous',
  'dossiers',
  'delais',
  'recettes',
  'recettes-prestataires',
  'satisfaction',
  'directives',
  'registre',
  'activite',
  'visas',
  'visas-nationalites',
] as const;

/** One of {@link TABLE_IDS}. */
export type TableId = (typeof TABLE_IDS)[number];

const col = (key: string, label: string, format: CellFormat = 'int'): TableColumn => ({ key, label, format });
const NETWORK = 'Réseau';

/** The tables of a dashboard. */
export function dashboardTables(dashboard: Dashboard): DashboardTable[] {
  return TABLE_IDS.map((id) => BUILDERS[id](dashboard));
}

/** One table of a dashboard. */
export function dashboardTable(dashboard: Dashboard, id: TableId): DashboardTable {
  return BUILDERS[id](dashboard);
}

const BUILDERS: Readonly<Record<TableId, (d: Dashboard) => DashboardTable>> = {
  liaisons: (d) => ({
    id: 'liaisons',
    title: 'Liaisons des missions',
    columns: [
      col('mission', 'Mission', 'text'),
      col('name', 'Nom', 'text'),
      col('online', 'En ligne', 'yesno'),
      col('lastSeenAt', 'Dernier message', 'instant'),
      col('lastSyncAt', 'Dernière synchronisation', 'instant'),
      col('backlog', 'Événements en attente'),
      col('backlogOldestAt', 'Plus ancien en attente', 'instant'),
    ],
    rows: d.links.map((link) => ({
      mission: link.id,
      name: link.name,
      online: link.online,
      lastSeenAt: link.lastSeenAt,
      lastSyncAt: link.lastSyncAt,
      backlog: link.backlog,
      backlogOldestAt: link.backlogOldestAt,
    })),
  }),
  'rendez-vous': (d) => ({
    id: 'rendez-vous',
    title: 'Rendez-vous',
    columns: [
      col('mission', 'Mission', 'text'),
      col('booked', 'Réservés'),
      col('honoured', 'Honorés'),
      col('noShow', 'Absents'),
      col('noShowRate', 'Taux d’absence', 'share'),
      col('cancelled', 'Annulés'),
    ],
    rows: perMission(d, (a) => ({ ...a.appointments })),
  }),
  dossiers: (d) => ({
    id: 'dossiers',
    title: 'Dossiers ouverts sur la période, par état actuel',
    columns: [
      col('mission', 'Mission', 'text'),
      ...Object.entries(FILE_STATE_LABELS).map(([state, label]) => col(state, label)),
      col('open', 'En cours'),
    ],
    rows: [
      ...[...d.files.byMission]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([mission, states]) => ({ mission, ...states, open: openFiles(states) })),
      ...(d.missionId ? [] : [{ mission: NETWORK, ...d.files.total, open: openFiles(d.files.total) }]),
    ],
  }),
  delais: (d) => ({
    id: 'delais',
    title: 'Délais de traitement (dossiers terminés sur la période)',
    columns: [
      col('service', 'Service', 'text'),
      col('files', 'Dossiers'),
      col('median', 'Médiane', 'hours'),
      col('p90', '90ᵉ centile', 'hours'),
      col('target', 'Objectif', 'days'),
      col('onTarget', 'Dans l’objectif', 'share'),
    ],
    rows: d.processing.map((p) => ({
      service: p.serviceName,
      files: p.files,
      median: p.medianHours,
      p90: p.p90Hours,
      target: p.targetDays,
      onTarget: p.onTargetShare,
    })),
  }),
  recettes: (d) => ({
    id: 'recettes',
    title: 'Recettes par devise',
    columns: [
      col('mission', 'Mission', 'text'),
      col('currency', 'Devise', 'text'),
      col('payments', 'Paiements'),
      col('collected', 'Encaissé', 'money'),
      col('refunded', 'Remboursé', 'money'),
      col('net', 'Net', 'money'),
    ],
    rows: revenueRows(d),
  }),
  'recettes-prestataires': (d) => ({
    id: 'recettes-prestataires',
    title: 'Recettes par prestataire et devise',
    columns: [
      col('mission', 'Mission', 'text'),
      col('provider', 'Prestataire', 'text'),
      col('currency', 'Devise', 'text'),
      col('payments', 'Paiements'),
      col('collected', 'Encaissé', 'money'),
      col('refunded', 'Remboursé', 'money'),
      col('net', 'Net', 'money'),
    ],
    rows: providerRevenueRows(d),
  }),
  satisfaction: (d) => ({
    id: 'satisfaction',
    title: 'Satisfaction des usagers',
    columns: [
      col('mission', 'Mission', 'text'),
      col('answers', 'Réponses'),
      col('average', 'Note moyenne', 'rating'),
    ],
    rows: perMission(d, (a) => ({ ...a.satisfaction })),
  }),
  directives: (d) => ({
    id: 'directives',
    title: 'Directives à accuser (émises sur la période)',
    columns: [
      col('mission', 'Mission', 'text'),
      col('expected', 'Attendues'),
      col('acknowledged', 'Accusées'),
      col('overdue', 'En retard'),
    ],
    rows: withTotal(
      d,
      d.directives.map(({ missionId, ...rest }) => ({ mission: missionId, ...rest })),
    ),
  }),
  registre: (d) => ({
    id: 'registre',
    title: 'File du registre national',
    columns: [
      col('mission', 'Mission', 'text'),
      col('received', 'Reçues sur la période'),
      col('pending', 'À rapprocher'),
      col('review', 'À examiner'),
      col('oldest', 'Plus ancienne en attente', 'instant'),
    ],
    rows: withTotal(
      d,
      d.registry.map((r) => ({
        mission: r.missionId,
        received: r.received,
        pending: r.pending,
        review: r.review,
        oldest: r.oldestWaitingAt,
      })),
    ),
  }),
  activite: (d) => ({
    id: 'activite',
    title: d.series.step === 'day' ? 'Activité par jour' : 'Activité par mois',
    columns: [
      col('start', d.series.step === 'day' ? 'Jour' : 'Mois', 'text'),
      col('booked', 'Rendez-vous réservés'),
      col('honoured', 'Rendez-vous honorés'),
      col('filesOpened', 'Dossiers ouverts'),
    ],
    rows: d.series.points.map((point) => ({ ...point })),
  }),
  visas: (d) => ({
    id: 'visas',
    title: 'Visas et laissez-passer par mission (demandes déposées, décisions prises sur la période)',
    columns: [col('mission', 'Mission', 'text'), ...VISA_COLUMNS],
    rows: visaRows(d, d.visas.byMission),
  }),
  'visas-nationalites': (d) => ({
    id: 'visas-nationalites',
    title: 'Visas et laissez-passer par nationalité du demandeur',
    columns: [col('mission', 'Nationalité', 'text'), ...VISA_COLUMNS],
    rows: visaRows(d, d.visas.byNationality),
  }),
};

const VISA_COLUMNS: readonly TableColumn[] = [
  col('requested', 'Demandés'),
  col('granted', 'Accordés'),
  col('refused', 'Refusés'),
  col('refusalShare', 'Taux de refus', 'share'),
  col('median', 'Délai médian', 'hours'),
  col('p90', 'Délai, 90ᵉ centile', 'hours'),
];

// One row per mission or nationality, then the scope's total (percentiles are not sums: the
// total's come from every decision of the scope).
function visaRows(d: Dashboard, figures: readonly VisaFigures[]): Record<string, CellValue>[] {
  const row = (key: string, f: VisaFigures) => ({
    mission: key,
    requested: f.requested,
    granted: f.granted,
    refused: f.refused,
    refusalShare: f.refusalShare,
    median: f.medianHours,
    p90: f.p90Hours,
  });
  if (figures.length === 0) return [];
  const total = d.missionId ? [] : [row(NETWORK, d.visas.total)];
  return [...figures.map((f) => row(f.key, f)), ...total];
}

// One row per mission with activity, then the network's total (on the network dashboard only).
function perMission<T extends object>(d: Dashboard, pick: (a: ActivityFigures) => T) {
  const rows = [...d.activity.byMission]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([mission, figures]) => ({ mission, ...pick(figures) }));
  if (d.missionId) return rows;
  return [...rows, { mission: NETWORK, ...pick(d.activity.total) }];
}

// Sums every numeric column into a network row (times and texts are left empty).
function withTotal(d: Dashboard, rows: Record<string, CellValue>[]): Record<string, CellValue>[] {
  if (d.missionId || rows.length === 0) return rows;
  const total: Record<string, CellValue> = { mission: NETWORK };
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      if (typeof value === 'number') total[key] = Number(total[key] ?? 0) + value;
      else if (!(key in total)) total[key] = null;
    }
  }
  return [...rows, total];
}

/** How the ministry reads the providers' names the missions send. */
const PROVIDER_LABELS: Readonly<Record<string, string>> = {
  cash: 'Espèces (guichet)',
  stripe: 'Stripe (carte bancaire)',
  momo: 'MTN MoMo (mobile money)',
  simulated: 'Paiement simulé (démonstration)',
  unknown: 'En ligne, prestataire non précisé',
};

function providerRevenueRows(d: Dashboard): Record<string, CellValue>[] {
  return perMissionMany(d, (figures) =>
    figures.revenueByProvider.map((r) => ({
      provider: PROVIDER_LABELS[r.provider] ?? r.provider,
      ...moneyColumns(r),
    })),
  );
}

function revenueRows(d: Dashboard): Record<string, CellValue>[] {
  return perMissionMany(d, (figures) => figures.revenue.map(moneyColumns));
}

// A currency's payments and amounts collected, refunded and net, as the revenue tables show them.
function moneyColumns(r: RevenueFigures) {
  return {
    currency: r.currency,
    payments: r.payments,
    collected: { minor: r.collectedMinor, currency: r.currency },
    refunded: { minor: r.refundedMinor, currency: r.currency },
    net: { minor: r.netMinor, currency: r.currency },
  };
}

// Several rows per mission (one per currency, or per provider and currency), then the network's.
function perMissionMany(d: Dashboard, pick: (a: ActivityFigures) => Record<string, CellValue>[]) {
  const rows = [...d.activity.byMission]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([mission, figures]) => pick(figures).map((row) => ({ mission, ...row })));
  if (d.missionId) return rows;
  return [...rows, ...pick(d.activity.total).map((row) => ({ mission: NETWORK, ...row }))];
}
