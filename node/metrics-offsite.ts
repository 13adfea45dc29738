import { Gauge, type Registry } from 'prom-client';

/** What the off-site gauges read when scraped. */
export interface OffsiteReadings {
  lastStored():
    | { readonly generation: number; readonly completedAt: string; readonly bytes: number }
    | undefined;
  transfer():
    | { readonly generation: number; readonly sentBytes: number; readonly chunksWaiting: number }
    | undefined;
}

/**
 * The off-site backup's gauges, read from the database at each scrape (a few indexed counts). The
 * age of the last stored generation is what the mission's IT referent alerts on: the ministry
 * flags a mission without a good off-site backup for 48 hours.
 */
export function offsiteGauges(registry: Registry) {
  let readings: OffsiteReadings | undefined;
  const gauge = (name: string, help: string, read: (r: OffsiteReadings) => number | undefined) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        // 0 when there is nothing to read: never stored reads as stored at the epoch, which any
        // alert on the age fires on, and no transfer under way has nothing waiting.
        this.set((readings && read(readings)) ?? 0);
      },
    });
  gauge(
    'econsulat_offsite_last_stored_timestamp_seconds',
    'When the hub declared the last off-site generation stored whole',
    (r) => {
      const at = r.lastStored()?.completedAt;
      return at === undefined ? undefined : Date.parse(at) / 1000;
    },
  );
  gauge(
    'econsulat_offsite_last_stored_generation',
    'The last off-site generation the hub stored',
    (r) => r.lastStored()?.generation,
  );
  gauge(
    'econsulat_offsite_last_stored_bytes',
    'Sealed bytes of the last off-site generation stored',
    (r) => r.lastStored()?.bytes,
  );
  gauge(
    'econsulat_offsite_transfer_sent_bytes',
    'Bytes of chunks sent for the off-site generation being transferred',
    (r) => r.transfer()?.sentBytes,
  );
  gauge(
    'econsulat_offsite_transfer_chunks_waiting',
    'Chunks the hub still lacks and has not acknowledged, for the generation being transferred',
    (r) => r.transfer()?.chunksWaiting,
  );
  return {
    /** Where the gauges read from (the node's off-site service), once it exists. */
    watch(source: OffsiteReadings): void {
      readings = source;
    },
  };
}
