/**
 * The booking benchmark's baseline (`node --import tsx _hello-server.ts`): fastify answering
 * `{"hello":"world"}` and nothing else, in its own process with the same V8 options as the mission
 * server. The reference machine answers it at about 54,700 req/s under 50 connections
 * (BENCHMARKS.md), so measuring it in the same run tells how fast the host runs at the time, and
 * the booking rate can be quoted as a ratio to it.
 */
import Fastify from 'fastify';
import { runUntilSignal } from '../process/run-until-signal.js';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`bench server listening on ${url}\n`);
await runUntilSignal(() => app.close());
