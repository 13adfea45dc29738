// dependency-cruiser reads .ts files through the TypeScript compiler's JavaScript API, which
// typescript@7 (the native compiler the project type-checks with) no longer ships: with it alone,
// depcruise finds no TypeScript at all and cruises only the .mjs files. This hook hands it
// typescript@5 (installed as `typescript-5`) instead, and only to dependency-cruiser.
// Used by `npm run lint`: node --import ./ops/lint/depcruise-typescript.mjs …/dependency-cruise.mjs
import Module, { register } from 'node:module';

// .dependency-cruiser.cjs refuses to run without this hook.
process.env.ECONSULAT_DEPCRUISE_TYPESCRIPT = '5';

const FROM_DEPCRUISE = /[\\/]node_modules[\\/]dependency-cruiser[\\/]/;
const TYPESCRIPT = /^typescript(?=$|\/)/;

// dependency-cruiser checks the compiler's version with require('typescript/package.json').
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveTypescript5(request, parent, ...rest) {
  const wanted =
    TYPESCRIPT.test(request) && FROM_DEPCRUISE.test(parent?.filename ?? '')
      ? request.replace(TYPESCRIPT, 'typescript-5')
      : request;
  return resolveFilename.call(this, wanted, parent, ...rest);
};

// … and loads it with import('typescript').
register(
  'data:text/javascript,' +
    encodeURIComponent(`
      const FROM_DEPCRUISE = /[\\\\/]node_modules[\\\\/]dependency-cruiser[\\\\/]/;
      export async function resolve(specifier, context, next) {
        if (/^typescript(?=$|\\/)/.test(specifier) && FROM_DEPCRUISE.test(context.parentURL ?? ''))
          return next(specifier.replace(/^typescript/, 'typescript-5'), context);
        return next(specifier, context);
      }`),
);
