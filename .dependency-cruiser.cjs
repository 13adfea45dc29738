// Keeps the direction of DESIGN.md true: protocol → nothing of ours; common → protocol only; node
// and hub → protocol and common, never each other; ops and tests → anything; nothing imports ops or
// tests. Inside node/ (node/README.md): services never import http, link, notify, ussd or jobs; http never
// imports the store (db/), even for a type; the back office and the JSON API share the staff core,
// node/http/staff/, and neither imports the other.
// depcruise reads .ts only through ops/lint/depcruise-typescript.mjs (`npm run lint:deps`); without it
// it would find no TypeScript and pass on the .mjs files alone, so it refuses to run.
if (process.env.ECONSULAT_DEPCRUISE_TYPESCRIPT !== '5') {
  throw new Error(
    'run depcruise through `npm run lint:deps` (node --import ./ops/lint/depcruise-typescript.mjs …)',
  );
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'protocol-is-self-contained',
      severity: 'error',
      from: { path: '^protocol/' },
      to: { path: '^(common|node|hub|ops|tests)/' },
    },
    {
      name: 'common-imports-only-protocol',
      severity: 'error',
      from: { path: '^common/' },
      to: { path: '^(node|hub|ops|tests)/' },
    },
    {
      name: 'node-meets-hub-only-through-protocol',
      severity: 'error',
      from: { path: '^node/' },
      to: { path: '^(hub|ops|tests)/' },
    },
    {
      name: 'hub-meets-node-only-through-protocol',
      severity: 'error',
      from: { path: '^hub/' },
      to: { path: '^(node|ops|tests)/' },
    },
    {
      name: 'hub-http-does-not-touch-the-database',
      comment:
        'Routes and pages parse, call a service (hub/services/hub-services.ts) and answer; the services own the database.',
      severity: 'error',
      from: { path: '^hub/http/' },
      to: { path: '^hub/db/' },
    },
    {
      name: 'node-backoffice-does-not-import-the-json-api',
      comment: 'The back office and the JSON API share the staff core, node/http/staff/.',
      severity: 'error',
      from: { path: '^node/http/backoffice/' },
      to: { path: '^node/http/api/' },
    },
    {
      name: 'node-json-api-does-not-import-the-backoffice',
      comment: 'The back office and the JSON API share the staff core, node/http/staff/.',
      severity: 'error',
      from: { path: '^node/http/api/' },
      to: { path: '^node/http/backoffice/' },
    },
    {
      name: 'node-services-do-not-import-their-callers',
      comment: 'http, link, jobs, notify and ussd use services; services use the store, never those.',
      severity: 'error',
      from: { path: '^node/services/' },
      to: { path: '^node/(http|link|notify|ussd|jobs)/' },
    },
    {
      name: 'node-http-does-not-touch-the-store',
      comment:
        'Routes parse, call a service and answer; the services own the store, its transactions and commit groups.',
      severity: 'error',
      from: { path: '^node/http/' },
      to: { path: '^node/db/' },
    },
    {
      name: 'nothing-imports-tests',
      severity: 'error',
      from: { pathNot: '^tests/' },
      to: { path: '^tests/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
