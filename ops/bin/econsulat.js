#!/usr/bin/env node
// The `econsulat` command. By default it runs the TypeScript sources through tsx: nothing to build
// after editing them. Production sets ECONSULAT_RUNTIME=compiled after `npm run build` to run the
// JavaScript in dist/ with plain Node: no loader thread, less memory, faster start.
if (process.env.ECONSULAT_RUNTIME === 'compiled') {
  await import('../../dist/ops/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli.ts');
}
