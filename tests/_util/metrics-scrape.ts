import type { FastifyInstance } from 'fastify';

/** The `/metrics` bearer token the test configs of the node and the hub carry. */
export const TEST_METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

/** The header a scraper sends. */
export function metricsAuth(token = TEST_METRICS_TOKEN): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** `/metrics` of an app, through inject, with the token (the test default unless given). */
export async function scrapeApp(app: FastifyInstance, token = TEST_METRICS_TOKEN): Promise<string> {
  const response = await app.inject({ method: 'GET', url: '/metrics', headers: metricsAuth(token) });
  if (response.statusCode !== 200) throw new Error(`/metrics answered ${response.statusCode}`);
  return response.body;
}

/** `/metrics` of a server listening at `baseUrl`, over HTTP, with its token. */
export async function scrapeUrl(baseUrl: string, token: string | undefined): Promise<string> {
  const response = await fetch(`${baseUrl.replace(/\/$/, '')}/metrics`, {
    headers: token === undefined ? {} : metricsAuth(token),
  });
  if (!response.ok) throw new Error(`${baseUrl}/metrics answered ${response.status}`);
  return response.text();
}
