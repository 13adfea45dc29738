// A whole hub (createHub: its roles, leases, jobs, pages and API) as its own process, so a test can
// run several over one PostgreSQL schema and one Mosquitto, and kill -9 any of them.
import { hubConfigSchema } from '../../../hub/config/config.js';
import { loadHubIdentity } from '../../../hub/config/secrets.js';
import { createHub } from '../../../hub/index.js';
import { ready } from '../../../protocol/index.js';
import { childConfig, exitCleanlyOnSignal, READY_LINE } from './child-protocol.js';
import { HOLDER_PREFIX, type HubProcessChildConfig, URL_PREFIX } from './hub-process-protocol.js';

const config = childConfig<HubProcessChildConfig>();
await ready();
const hubConfig = hubConfigSchema.parse({
  dataDir: config.dataDir,
  http: { host: '127.0.0.1', port: 0 },
  databaseUrl: config.databaseUrl,
  mqtt: { mode: 'external', url: config.brokerUrl },
  roles: config.roles,
  ingest: { leases: true, leaseSeconds: config.leaseSeconds, renewSeconds: config.renewSeconds },
  metrics: { token: config.metricsToken },
  logLevel: 'warn',
});
const hub = await createHub(hubConfig, await loadHubIdentity(hubConfig));
const url = await hub.start();
exitCleanlyOnSignal(() => hub.close());
console.log(`${URL_PREFIX}${url}`);
console.log(`${HOLDER_PREFIX}${hub.context.link.leaseHolder ?? ''}`);
console.log(READY_LINE);
