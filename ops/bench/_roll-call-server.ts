/**
 * The roll-call benchmark's server, run in its own process (`node --import tsx _roll-call-server.ts
 * <node.json> <gateway token>`): the node's HTTP path (_bench-node-server.ts) with the gateway's
 * inbound SMS callback.
 */
import { smsInboundRoutes } from '../../node/http/sms/sms-inbound-routes.js';
import { readNodeConfig } from '../commands/node.js';
import { serveBenchNode } from './_bench-node-server.js';

const configPath = process.argv[2];
const token = process.argv[3];
if (!configPath || !token) throw new TypeError('usage: _roll-call-server.ts <node.json> <gateway token>');
const read = await readNodeConfig(configPath);
const config = {
  ...read,
  logLevel: 'warn' as const,
  // The callback's own limit, per gateway address, at its highest (node config allows 100,000/min).
  ussd: { ...read.ussd, token, perAddressPerMinute: 100_000 },
};
await serveBenchNode(config, async (app, domain) => {
  await app.register(smsInboundRoutes, { domain, config });
});
