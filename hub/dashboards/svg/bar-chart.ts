import { coord, escapeXml, niceMax } from './svg-text.js';

/** One bar: its label and value, and the text written beside it. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly text?: string;
}

/** A horizontal bar chart. */
export interface BarChart {
  /** Read by screen readers as the chart's name (<title>), and the id prefix. */
  readonly title: string;
  readonly description?: string;
  readonly bars: readonly Bar[];
}

const WIDTH = 640;
const LABEL_WIDTH = 180;
const VALUE_WIDTH = 90;
const ROW = 26;

/**
 * Renders a horizontal bar chart as standalone SVG markup: no script, no inline style (colours
 * come from the stylesheet's classes), a <title> and <desc>, and every value written as text.
 */
export function barChartSvg(chart: BarChart): string {
  const height = Math.max(1, chart.bars.length) * ROW + 8;
  const max = niceMax(Math.max(0, ...chart.bars.map((bar) => bar.value)));
  const span = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const rows = chart.bars.map((bar, index) => {
    const y = 4 + index * ROW;
    const width = (Math.max(0, bar.value) / max) * span;
    return [
      `<text class="chart-label" x="${LABEL_WIDTH - 8}" y="${coord(y + 17)}" text-anchor="end">${escapeXml(bar.label)}</text>`,
      `<rect class="chart-bar" x="${LABEL_WIDTH}" y="${coord(y + 4)}" width="${coord(width)}" height="${ROW - 8}"/>`,
      `<text class="chart-value" x="${coord(LABEL_WIDTH + width + 6)}" y="${coord(y + 17)}">${escapeXml(bar.text ?? String(bar.value))}</text>`,
    ].join('');
  });
  const empty = chart.bars.length === 0 ? '<text class="chart-label" x="8" y="20">Aucune donnée</text>' : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}">`,
    `<title>${escapeXml(chart.title)}</title>`,
    chart.description ? `<desc>${escapeXml(chart.description)}</desc>` : '',
    ...rows,
    empty,
    '</svg>',
  ].join('');
}
