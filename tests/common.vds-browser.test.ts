import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The offline verifier page bundles the verifying side of common/vds: it must load neither Node
// nor the full zod (450 KB bundled; the trust bundle's schema uses zod/mini).
const root = join(import.meta.dirname, '..');

function importsOf(file: string): string[] {
  const source = readFileSync(join(root, file), 'utf8');
  return [...source.matchAll(/^(?:import|export)(?! type)(?:[^;]*?from )?\s*'([^']+)';/gms)].map(
    (match) => match[1]!,
  );
}

function closure(entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.'))
        queue.push(relative(root, join(root, dirname(file), spec.replace(/\.js$/, '.ts'))));
      else packages.add(spec);
    }
  }
  return { files, packages };
}

describe('the verifying side of common/vds', () => {
  it('loads no Node module and no full zod', () => {
    const { files, packages } = closure([
      'common/vds/verify.ts',
      'common/vds/trust-store.ts',
      'common/vds/decode.ts',
    ]);
    expect(files.has('common/vds/messages.ts')).toBe(false);
    expect(files.has('common/vds/mrz-text.ts')).toBe(false);
    expect([...packages].sort()).toEqual(['@peculiar/x509', 'reflect-metadata', 'zod/mini']);
  });
});
