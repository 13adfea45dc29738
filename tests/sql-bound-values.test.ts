import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { templateLiterals } from './_util/source-templates.js';

/**
 * "Prepared statements only": every value reaches SQL as a bound parameter. What a statement may
 * interpolate is fixed text chosen by the code — a column list, a table or column picked from a
 * typed union, a clause with its own placeholders. Module constants (UPPER_CASE) are fixed text by
 * our naming; anything else interpolated into SQL must be listed here, with why it is fixed, so
 * that a new one is read by a reviewer before it lands.
 */
const FIXED_FRAGMENTS: Readonly<Record<string, readonly string[]>> = {
  // rollupWhere(): a WHERE clause of $n placeholders; its values go in `where.params`.
  'hub/dashboards/activity.ts': ['where.sql'],
  // overdueSql(): the overdue rule (services/directives/overdue.ts) over the placeholders named.
  'hub/dashboards/directives.ts': ["overdueSql('$3', '$4')"],
  // Placeholders from bind() and rollupWhere(), whose values go in `params`; `parts` are the
  // statements built just above from them.
  'hub/dashboards/event-counts.ts': [
    'since',
    'until',
    'where.sql',
    'day',
    'start',
    'end',
    "parts.join(' UNION ALL ')",
  ],
  'hub/dashboards/files.ts': ['where.sql'],
  'hub/dashboards/processing.ts': ['where.sql'],
  'hub/dashboards/revenue-providers.ts': ['where.sql'],
  // `bucket` is one of two expressions picked by the step ('day' | 'month').
  'hub/dashboards/series.ts': ['bucket', 'where.sql'],
  // A column from a fixed map, and two fixed period conditions over $1 and $2.
  'hub/dashboards/visas.ts': ['column', 'requested', 'decided'],
  // 'checksum' or 'NULL::text AS checksum': whether the column exists yet (migration 015).
  'hub/db/migrate.ts': ['checksum'],
  // The lock key expression, itself bound to $1.
  'hub/db/pg.ts': ['key'],
  // The overdue rule over the placeholders named (services/directives/overdue.ts).
  'hub/services/directives/directive-list.ts': ["overdueSql('$1', '$2')"],
  'hub/services/directives/remind-directives.ts': ["overdueSql('$1', '$2')"],
  // 'NORMAL' | 'FULL', typed.
  'node/db/commit-group.ts': ['mode'],
  // One `?` per closed state.
  'node/jobs/retention.ts': ["CLOSED_STATES.map(() => '?').join(', ')"],
  // '' or 'WHERE ref = ?'.
  'node/services/outbox/sms-outbox.ts': ['where'],
  // `column = @column` pairs from the keys of a typed patch.
  'node/services/appointments/appointment-rows.ts': ["assignments.join(', ')"],
  // '' or 'AND service_code = ?'.
  'node/services/files/file-service.ts': ['byService'],
  // A WHERE clause written by the callers in this folder, with its own placeholders.
  'node/services/payments/cash-closing-rows.ts': ['where'],
  // 'payments' | 'refunds', typed.
  'node/services/payments/cash-closing.ts': ['table'],
  // An index column name, typed.
  'node/services/people/people-repository.ts': ['where'],
  'node/services/registrations/registration-rows.ts': ['column'],
  // Tables and WHERE clauses of RECORD_SHAPES (record-shapes.ts), fixed in the code.
  'node/services/recovery/record-copies.ts': ['shape.table', 'child.table', 'child.where'],
  // The same shapes' tables and identity or numbered columns; the column lists are a copy's keys
  // kept only when the table has a column of that name (pragma_table_info).
  'node/services/recovery/restore-records.ts': [
    'shape.table',
    'column',
    'table',
    "columns.join(', ')",
    "columns.map(() => '?').join(', ')",
    "updates.join(', ')",
    'child.table',
    'match',
  ],
  // The benchmark's own schema name, quoted as an identifier.
  'ops/bench/dashboards.ts': ['quoteIdentifier(schema)'],
  // The run's own database, named from random hex by the code, quoted.
  'ops/loadgen/loadgen.ts': ['quoteIdentifier(name)'],
  // A generation's concatenated chunk addresses split by the server: the argument is a column or a
  // parameter placeholder written in the code ('g.addresses', '$2::bytea'), never a value.
  'hub/services/offsite/generation-state.ts': ['bytes'],
  'hub/services/offsite/prune-generations.ts': ["splitAddressesSql('g.addresses')"],
  'hub/services/offsite/take-manifest.ts': ["splitAddressesSql('$2::bytea')"],
  // One `?` per state asked for.
  'node/backup/offsite/offsite-store.ts': ['marks'],
  // A batch's chunks as rows of `($n::bytea, $n::integer, $n::bytea)` placeholders.
  'hub/services/offsite/store-chunk.ts': ["values.join(', ')"],
  // The module's list of count columns, each prefixed with a table alias written in the code.
  'hub/services/roll-calls/roll-call-read.ts': ["prefixed('c')"],
  // Conditions written in the function, each with its own `?`.
  'node/services/roll-calls/roll-call-follow-up.ts': ["where.join(' AND ')"],
  // One `?` per state of the module's list.
  'node/services/roll-calls/roll-call-targets.ts': ["REACHED_STATES.map(() => '?').join(', ')"],
  // A step's columns, the keys of an object literal written in the same file, each set to a `?`.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text the scan reads, not a template
  'node/services/visas/visa-decisions.ts': ["columns.map((column) => `, ${column} = ?`).join('')"],
  // The module's list of encrypted columns, and one `?` for each.
  'node/services/visas/visa-rows.ts': [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text the scan reads, not a template
    "ENCRYPTED.map((column) => `${column}_enc`).join(', ')",
    "ENCRYPTED.map(() => '?').join(', ')",
  ],
};

const CONSTANT = /^[A-Z][A-Z0-9_]*$/;
/** Upper-case keywords that only SQL text carries in our sources. */
const SQL = /\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|WHERE|VALUES|PRAGMA|CREATE|DROP|ALTER TABLE)\b/;

function sourceFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--', 'node', 'hub', 'ops', 'protocol'], {
    encoding: 'utf8',
  });
  return listed.split('\n').filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
}

/** Per file, the expressions (each once) interpolated into SQL text that are not module constants. */
function sqlInterpolations(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sourceFiles()) {
    for (const template of templateLiterals(readFileSync(file, 'utf8'))) {
      if (!SQL.test(template.text)) continue;
      const others = template.expressions.filter((expression) => !CONSTANT.test(expression));
      if (others.length > 0) found.set(file, [...new Set([...(found.get(file) ?? []), ...others])]);
    }
  }
  return found;
}

describe('SQL takes values as bound parameters only', () => {
  it('interpolates nothing into SQL but module constants and the fixed fragments listed', () => {
    const found = Object.fromEntries(sqlInterpolations());
    expect(found).toEqual(FIXED_FRAGMENTS);
  });

  it('has a scanner that sees interpolations, nested templates and comments for what they are', () => {
    // Written with #{ for ${, so that this file's own strings hold no placeholder.
    const source = [
      '// `SELECT #{notThis}` in a comment',
      "const quoted = 'a ` backquote in a string';",
      'db.prepare(`SELECT #{COLUMNS} FROM t WHERE id = ?`);',
      'db.prepare(`SELECT * FROM t #{cond ? `WHERE a = #{inner}` : ""}`);',
    ]
      .join('\n')
      .replaceAll('#{', '$' + '{');
    const templates = templateLiterals(source);
    expect(templates.map((t) => [t.line, t.expressions.map((e) => e.replaceAll('$' + '{', '#{'))])).toEqual([
      [3, ['COLUMNS']],
      [4, ['inner']],
      [4, ['cond ? `WHERE a = #{inner}` : ""']],
    ]);
  });
});
