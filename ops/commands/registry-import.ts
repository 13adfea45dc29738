import type { Command } from 'commander';
import type { ImportOptions } from './registry-import-run.js';

// As LEGACY_COLUMNS of hub/services/registry/legacy-register.ts (tests check they agree); written
// out so that `econsulat registry match` does not load the hub's code with this help text.
export const COLUMNS =
  'record_id, kind, national_id, given_names, family_name, sex, birth_date, birth_place, father_name, mother_name, event_date, event_place';

/** `econsulat registry import`: a mission's legacy register (CSV) into the hub's reconciliation queue. */
export function registerRegistryImportCommand(registry: Command): void {
  registry
    .command('import')
    .description('queue a mission’s legacy register (CSV) for reconciliation with the national registry')
    .requiredOption('--config <file>', 'the hub’s config file')
    .requiredOption('--mission <id>', 'the enrolled mission whose register it is')
    .requiredOption('--file <csv>', 'the register: CSV, UTF-8, with a header row')
    .option(
      '--kind <kind>',
      'kind of lines without a kind cell: registration, birth, marriage, death',
      'registration',
    )
    .option('--delimiter <char>', 'cell delimiter', ',')
    .option('--strict', 'write nothing when any line is refused')
    .option('--reconcile', 'decide the queued lines now, instead of leaving them to the running hub')
    .option(
      '--out <file>',
      'with --reconcile: one JSON line per record (record_id, decision, national_id, score, reasons)',
    )
    .addHelpText(
      'after',
      `\nColumns (header names): ${COLUMNS}. given_names and family_name are required;` +
        '\ndates as 1984, 1984-07, 1984-07-12 or 12/07/1984. Each line becomes a submission of the mission,' +
        '\nmarked as imported: it is matched like any other, its result is not sent to the mission.' +
        '\nImporting the same register again adds nothing (ids come from the mission and record_id).' +
        '\nWith the embedded database, run it while the hub is stopped.',
    )
    .action(async (options: ImportOptions) => {
      const { runImport } = await import('./registry-import-run.js');
      process.exitCode = await runImport(options);
    });
}
