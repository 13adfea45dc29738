import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FILE_STATE_LABELS } from '../hub/dashboards/files.js';
import { EVENT_KINDS, FILE_STATES, messageSchemas } from '../protocol/index.js';

// The wire's words (message types, event kinds) are spelled once, in protocol/: node/ and hub/
// import the constants, so a renamed kind or type cannot leave a stale copy that compiles.

const root = fileURLToPath(new URL('../', import.meta.url));

function sources(dir: string, extension: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(extension) && !file.endsWith(`.test${extension}`))
    .map((file) => join(root, dir, file));
}

// One-word message types (`hello`, `ack`, `directive`) are also plain words of the code (an entity,
// a column): only the dotted ones are searched for.
const wireWords = new Set<string>([
  ...EVENT_KINDS,
  ...Object.keys(messageSchemas).filter((type) => type.includes('.')),
]);

/** The source with its comments blanked, lines kept (prose may name a kind in backquotes). */
function withoutComments(source: string): string {
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  return source
    .replace(/\/\*[\s\S]*?\*\//g, blank)
    .replace(/(^|[\s;{}(),])\/\/.*$/gm, (_all, before: string) => before);
}

/** String literals of a TypeScript source that spell a wire word, with their line. */
function wireLiterals(source: string): { line: number; word: string }[] {
  const found: { line: number; word: string }[] = [];
  const literal = /(['"`])([a-z_]+\.[a-z_]+)\1/g;
  const code = withoutComments(source);
  for (const match of code.matchAll(literal)) {
    const word = match[2] ?? '';
    if (wireWords.has(word)) found.push({ line: code.slice(0, match.index).split('\n').length, word });
  }
  return found;
}

describe('the wire vocabulary, spelled only in protocol/', () => {
  it('finds a planted literal (the scan can fail)', () => {
    const planted =
      'const kind = \'appointment.booked\';\nenqueue(store, "directive.ack", body);\n// `file.opened` in prose\n';
    expect(wireLiterals(planted)).toEqual([
      { line: 1, word: 'appointment.booked' },
      { line: 2, word: 'directive.ack' },
    ]);
    expect(wireLiterals("t('payment.title'); const x = 'a.b';")).toEqual([]);
  });

  it('has no message type or event kind as a string literal in node/ or hub/', () => {
    const offenders = [...sources('node', '.ts'), ...sources('hub', '.ts')].flatMap((file) =>
      wireLiterals(readFileSync(file, 'utf8')).map(
        ({ line, word }) => `${relative(root, file)}:${line} ${word}`,
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('names in the hub’s SQL only event kinds the protocol knows', () => {
    const known = new Set<string>(EVENT_KINDS);
    const areas = new Set(EVENT_KINDS.map((kind) => kind.split('.')[0]));
    const unknown = sources('hub/db/migrations', '.sql').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/'([a-z_]+)\.([a-z_]+)'/g)]
        .filter((match) => areas.has(match[1]) && !known.has(`${match[1]}.${match[2]}`))
        .map((match) => `${relative(root, file)} ${match[0]}`),
    );
    expect(unknown).toEqual([]);
    // The scan reads what it must: the rollups name the file events.
    const rollups = readFileSync(join(root, 'hub/db/migrations/006-dashboard-rollups.sql'), 'utf8');
    expect(rollups).toContain("'file.transitioned'");
  });

  it('labels every file state of the protocol at the hub, in workflow order', () => {
    expect(Object.keys(FILE_STATE_LABELS)).toEqual([...FILE_STATES]);
  });
});
