import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';

/** The result of checking a document against the OpenAPI specification's own JSON schema. */
export async function validateOpenApi(
  document: Record<string, unknown>,
): Promise<{ valid: boolean; errors?: unknown }> {
  // A copy: the validator resolves references in the object it is given.
  const result = await new Validator().validate(structuredClone(document));
  return { valid: result.valid, ...(result.valid ? {} : { errors: result.errors }) };
}

const TREE_LINE = /^(?<indent>[│ ]*)[├└]── (?<segment>\S+) \((?<methods>[A-Z, ]+)\)$/;

/**
 * Every route the app registered, as `METHOD /path/{param}`, read from fastify's own route tree
 * (`printRoutes`). HEAD routes fastify adds for each GET are left out.
 */
export function registeredRoutes(app: FastifyInstance): string[] {
  const prefixes: string[] = [];
  const routes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = TREE_LINE.exec(line);
    if (!match?.groups) continue;
    const depth = (match.groups.indent?.length ?? 0) / 4;
    const path = (prefixes[depth - 1] ?? '') + match.groups.segment;
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    for (const method of match.groups.methods?.split(', ') ?? []) {
      if (method !== 'HEAD') routes.push(`${method} ${toOpenApiPath(path)}`);
    }
  }
  return routes.sort();
}

/** Every operation of an OpenAPI document, as `METHOD /path/{param}`. */
export function documentedOperations(document: { paths: Record<string, object> }): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

function toOpenApiPath(path: string): string {
  const joined = path.replace(/\/{2,}/g, '/');
  const trimmed = joined.length > 1 ? joined.replace(/\/$/, '') : joined;
  return trimmed.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
