import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNode, type MissionNode } from '../node/index.js';
import { Identity, ready, sodium } from '../protocol/index.js';
import { parisNodeConfig } from './_util/node-app.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import { documentedOperations, registeredRoutes, validateOpenApi } from './_util/openapi.js';

const OPENAPI = '/api/v1/openapi.json';
/** Routes under /api/v1 that are not JSON operations: the document itself, the staff's live socket. */
const NOT_JSON = [`GET ${OPENAPI}`, 'GET /api/v1/staff/live'];
/** JSON operations outside /api/v1: the USSD aggregator's callback. */
const OUTSIDE_API = ['POST /ussd'];

describe('node JSON API: OpenAPI document', () => {
  let temp: TempDir;
  let node: MissionNode;

  beforeAll(async () => {
    await ready();
    temp = await makeTempDir();
    const config = parisNodeConfig(temp.dir);
    node = await createNode(config, {
      identity: Identity.generate(config.missionId),
      dataKey: sodium.randombytes_buf(32),
    });
  });
  afterAll(async () => {
    await node?.close();
    await temp?.cleanup();
  });

  it('serves a valid OpenAPI 3 document without a session', async () => {
    const response = await node.app.inject({ method: 'GET', url: OPENAPI });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toMatch(/^3\./);
    expect(await validateOpenApi(document)).toEqual({ valid: true });
  });

  it('lists every JSON route the node registers, and neither its pages nor its probes', async () => {
    const document = (await node.app.inject({ method: 'GET', url: OPENAPI })).json();
    const routes = registeredRoutes(node.app);
    const jsonRoutes = routes.filter(
      (route) => (route.includes(' /api/v1/') && !NOT_JSON.includes(route)) || OUTSIDE_API.includes(route),
    );
    expect(jsonRoutes.length).toBeGreaterThanOrEqual(58);
    expect(documentedOperations(document)).toEqual(jsonRoutes);
    // The back office and the probes exist, but stay out of the document.
    expect(routes).toEqual(expect.arrayContaining(['GET /healthz', 'GET /staff/login']));
    expect(documentedOperations(document).filter((op) => / \/(staff|healthz|metrics)\b/.test(op))).toEqual(
      [],
    );
  });
});
