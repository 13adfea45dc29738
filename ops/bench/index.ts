import { benchBooking } from './booking.js';
import { benchDashboards } from './dashboards.js';
import { benchDirectives } from './directives.js';
import { benchHubStore } from './hub-store.js';
import { benchLoadgen } from './loadgen.js';
import { benchMemory } from './memory.js';
import { benchOffsite, type OffsiteBenchSizes } from './offsite.js';
import { benchProtocol } from './protocol.js';
import { benchRecords } from './records.js';
import { benchRegistry } from './registry.js';
import { benchRegistryScale } from './registry-scale.js';
import { benchResync } from './resync.js';
import { benchRollCall } from './roll-call.js';
import { benchSync } from './sync.js';
import { benchVds } from './vds.js';
import { benchVisaIssue } from './visa-issue.js';

const suites: Record<string, (sizes: OffsiteBenchSizes) => Promise<void>> = {
  protocol: benchProtocol,
  sync: benchSync,
  resync: benchResync,
  records: benchRecords,
  booking: benchBooking,
  memory: benchMemory,
  directives: benchDirectives,
  dashboards: benchDashboards,
  registry: benchRegistry,
  'registry-scale': benchRegistryScale,
  'hub-store': benchHubStore,
  offsite: benchOffsite,
  vds: benchVds,
  'visa-issue': benchVisaIssue,
  'roll-call': benchRollCall,
  loadgen: benchLoadgen,
};

/** Runs one suite by name, or every suite for `all`; `sizes` are the off-site suite's. */
export async function runBench(name: string, sizes: OffsiteBenchSizes = {}): Promise<void> {
  const chosen = name === 'all' ? Object.values(suites) : [suites[name]];
  if (chosen.some((suite) => !suite)) {
    throw new Error(`unknown bench suite ${name}; known: ${Object.keys(suites).join(', ')}, all`);
  }
  for (const suite of chosen) await suite?.(sizes);
}
