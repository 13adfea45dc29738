import { coord, escapeXml, niceMax } from './svg-text.js';

/** One line: a name for the legend and one value per x label. */
export interface LineSeries {
  readonly name: string;
  readonly values: readonly number[];
}

/** A line chart over labelled steps (days, months). */
export interface LineChart {
  readonly title: string;
  readonly description?: string;
  readonly labels: readonly string[];
  readonly series: readonly LineSeries[];
}

const WIDTH = 640;
const HEIGHT = 240;
const LEFT = 48;
const RIGHT = 12;
const TOP = 28;
const BOTTOM = 28;

/**
 * Renders a line chart as standalone SVG: axes with the maximum and the first and last labels,
 * one polyline per series (classes `chart-line-0`, `-1`, … for the stylesheet), a legend.
 */
export function lineChartSvg(chart: LineChart): string {
  const max = niceMax(Math.max(0, ...chart.series.flatMap((s) => [...s.values])));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const steps = Math.max(1, chart.labels.length - 1);
  const x = (i: number) => LEFT + (chart.labels.length === 1 ? plotWidth / 2 : (i / steps) * plotWidth);
  const y = (v: number) => TOP + plotHeight - (Math.max(0, v) / max) * plotHeight;
  const lines = chart.series.map((series, index) => {
    const points = series.values.map((v, i) => `${coord(x(i))},${coord(y(v))}`).join(' ');
    return `<polyline class="chart-line chart-line-${index}" points="${points}"><title>${escapeXml(series.name)}</title></polyline>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}">`,
    `<title>${escapeXml(chart.title)}</title>`,
    chart.description ? `<desc>${escapeXml(chart.description)}</desc>` : '',
    axes(chart, max, x(0), x(chart.labels.length - 1)),
    ...lines,
    legend(chart.series),
    '</svg>',
  ].join('');
}

function axes(chart: LineChart, max: number, firstX: number, lastX: number): string {
  const base = HEIGHT - BOTTOM;
  const first = chart.labels[0] ?? '';
  const last = chart.labels[chart.labels.length - 1] ?? '';
  return [
    `<line class="chart-axis" x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${base}"/>`,
    `<line class="chart-axis" x1="${LEFT}" y1="${base}" x2="${WIDTH - RIGHT}" y2="${base}"/>`,
    `<text class="chart-label" x="${LEFT - 6}" y="${TOP + 4}" text-anchor="end">${max}</text>`,
    `<text class="chart-label" x="${LEFT - 6}" y="${base}" text-anchor="end">0</text>`,
    `<text class="chart-label" x="${coord(firstX)}" y="${base + 18}" text-anchor="start">${escapeXml(first)}</text>`,
    chart.labels.length > 1
      ? `<text class="chart-label" x="${coord(lastX)}" y="${base + 18}" text-anchor="end">${escapeXml(last)}</text>`
      : '',
  ].join('');
}

function legend(series: readonly LineSeries[]): string {
  return series
    .map((s, index) => {
      const x = LEFT + index * 190;
      return `<rect class="chart-key chart-line-${index}" x="${x}" y="6" width="14" height="4"/><text class="chart-label" x="${x + 20}" y="12">${escapeXml(s.name)}</text>`;
    })
    .join('');
}
