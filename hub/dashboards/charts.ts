import type { Dashboard } from './dashboard.js';
import { FILE_STATE_LABELS } from './files.js';
import { formatCell } from './format.js';
import { barChartSvg } from './svg/bar-chart.js';
import { lineChartSvg } from './svg/line-chart.js';

/** The charts of a dashboard, as SVG markup to embed in the page. */
export interface DashboardCharts {
  readonly activity: string;
  readonly files: string;
  readonly processing: string;
}

/** Draws a dashboard's charts on the server: the page needs no script to show them. */
export function dashboardCharts(d: Dashboard): DashboardCharts {
  const points = d.series.points;
  const step = d.series.step === 'day' ? 'jour' : 'mois';
  return {
    activity: lineChartSvg({
      title: `Activité par ${step}`,
      description: `Rendez-vous réservés, honorés et dossiers ouverts par ${step}, du ${points[0]?.start ?? ''} au ${points[points.length - 1]?.start ?? ''}.`,
      labels: points.map((p) => (d.series.step === 'day' ? p.start : p.start.slice(0, 7))),
      series: [
        { name: 'Réservés', values: points.map((p) => p.booked) },
        { name: 'Honorés', values: points.map((p) => p.honoured) },
        { name: 'Dossiers ouverts', values: points.map((p) => p.filesOpened) },
      ],
    }),
    files: barChartSvg({
      title: 'Dossiers par état',
      bars: Object.entries(FILE_STATE_LABELS).map(([state, label]) => ({
        label,
        value: d.files.total[state] ?? 0,
      })),
    }),
    processing: barChartSvg({
      title: 'Délai médian par service',
      bars: d.processing.map((p) => ({
        label: p.serviceName,
        value: p.medianHours ?? 0,
        text: `${formatCell(p.medianHours, 'hours')}${p.targetDays === null ? '' : ` (objectif ${p.targetDays} j)`}`,
      })),
    }),
  };
}
