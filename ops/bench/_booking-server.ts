/**
 * The booking benchmark's server, run in its own process (`node --import tsx _booking-server.ts
 * <node.json>`): the node's HTTP path (_bench-node-server.ts) with the public API, its rate limits
 * raised as the others are (createNode keeps the production limits).
 */
import { type PublicRateLimits, publicApiRoutes } from '../../node/http/api/public/index.js';
import { DEFAULT_SMS_CAPS } from '../../node/services/outbox/sms-caps.js';
import { readNodeConfig } from '../commands/node.js';
import { BENCH_LIMIT, serveBenchNode } from './_bench-node-server.js';

const configPath = process.argv[2];
if (!configPath) throw new TypeError('usage: _booking-server.ts <node.json>');
/**
 * Each attempt has a phone of its own, spread over 100 prefixes (booking.ts), but a run books more
 * in minutes than a mission in a day: each prefix takes ~160 codes, past its hourly cap of 50. The
 * caps are still counted on every booking; only the prefix's are raised, as the rate limits are.
 */
const BENCH_SMS_CAPS = { ...DEFAULT_SMS_CAPS, perPrefixPerHour: 10_000, perPrefixPerDay: 10_000 };

const config = {
  ...(await readNodeConfig(configPath)),
  logLevel: 'warn' as const,
  smsCaps: BENCH_SMS_CAPS,
};
await serveBenchNode(config, async (app, domain) => {
  const rateLimits: PublicRateLimits = {
    read: BENCH_LIMIT,
    booking: BENCH_LIMIT,
    confirm: BENCH_LIMIT,
    change: BENCH_LIMIT,
    lookup: BENCH_LIMIT,
    lookupWithSecret: BENCH_LIMIT,
    submission: BENCH_LIMIT,
    checkout: BENCH_LIMIT,
  };
  await app.register(publicApiRoutes, { domain, config, rateLimits });
});
