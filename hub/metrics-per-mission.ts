import { Gauge, type Registry } from 'prom-client';

/** One figure of a per-mission gauge family: its name, its help, and its value in a row (or none). */
export type MissionFigure<Row> = readonly [
  name: string,
  help: string,
  value: (row: Row) => number | undefined,
];

/**
 * Gauges labelled by mission, all read from one query at scrape time: every hub process reports
 * what the database holds, not what it happened to see, and a mission that left the rows leaves
 * the gauges.
 */
export function perMissionGauges<Row>(
  registry: Registry,
  load: () => Promise<readonly Row[]>,
  missionOf: (row: Row) => string,
  figures: readonly MissionFigure<Row>[],
): void {
  for (const [name, help, value] of figures) {
    new Gauge({
      name,
      help,
      labelNames: ['mission'],
      registers: [registry],
      async collect() {
        const rows = await load();
        this.reset();
        for (const row of rows) {
          const figure = value(row);
          if (figure !== undefined) this.labels(missionOf(row)).set(figure);
        }
      },
    });
  }
}
