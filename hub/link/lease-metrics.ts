import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The per-process figures of the ingest leases: how many missions this process takes now (the
 * processes' figures add up to the enrolled missions once balanced), and how many envelopes it
 * dropped because their mission had moved to another process (hand-offs only; 0 at steady state).
 */
export function leaseMetrics(registry: Registry, leasedMissions: () => number | undefined) {
  new Gauge({
    name: 'econsulat_hub_ingest_leases_held',
    help: 'Missions whose up channel this hub process takes (ingest leases)',
    registers: [registry],
    collect() {
      this.set(leasedMissions() ?? 0);
    },
  });
  const dropped = new Counter({
    name: 'econsulat_hub_ingest_lease_lost_envelopes_total',
    help: 'Envelopes dropped unapplied because another hub process holds their mission now',
    registers: [registry],
  });
  return { leaseLost: () => dropped.inc() };
}
