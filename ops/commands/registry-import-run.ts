// The work of `econsulat registry import`, loaded only when that command runs.
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { loadHubIdentity } from '../../hub/config/secrets.js';
import type { Database } from '../../hub/db/database.js';
import { openDatabase } from '../../hub/db/open-database.js';
import { storeConfigOf } from '../../hub/db/store-config.js';
import { loadTrustStore } from '../../hub/services/missions/trust-loader.js';
import {
  importedDecisions,
  queueImportedSubmissions,
  RegistryImportError,
} from '../../hub/services/registry/import-submissions.js';
import { type LegacyLine, legacyLineToSubmission } from '../../hub/services/registry/legacy-register.js';
import { createRegistryService } from '../../hub/services/registry/registry-service.js';
import { type RegistrySubmission, registrySubmissionSchema } from '../../protocol/index.js';
import { readHubConfig } from './hub.js';

/** The options of `econsulat registry import`. */
export interface ImportOptions {
  config: string;
  mission: string;
  file: string;
  kind: string;
  delimiter: string;
  strict?: boolean;
  reconcile?: boolean;
  out?: string;
}

// Lines per transaction: a large register goes in without one huge statement.
const BATCH = 1_000;

/** Reads, queues and (with --reconcile) decides a legacy register; returns the exit code. */
export async function runImport(options: ImportOptions): Promise<number> {
  const kind = registrySubmissionSchema.shape.kind.safeParse(options.kind);
  if (!kind.success || (options.out && !options.reconcile)) {
    process.stderr.write(!kind.success ? `unknown --kind ${options.kind}\n` : '--out needs --reconcile\n');
    return 2;
  }
  const lines = await readRegister(options.file, options.delimiter, options.mission, kind.data);
  const refused = lines.filter((line) => !line.ok);
  for (const line of refused) process.stderr.write(`line ${line.line}: ${line.ok ? '' : line.error}\n`);
  if (options.strict && refused.length > 0) {
    process.stderr.write(`${refused.length} line(s) refused: nothing imported (--strict)\n`);
    return 1;
  }
  const submissions = lines.flatMap((line) => (line.ok ? [line.submission] : []));
  const config = await readHubConfig(options.config);
  const db = await openDatabase(storeConfigOf(config));
  try {
    const report = await queueInBatches(db, options.mission, submissions).catch((error: unknown) => {
      if (!(error instanceof RegistryImportError)) throw error;
      process.stderr.write(`${error.message}\n`);
      return undefined;
    });
    if (!report) return 1;
    process.stdout.write(
      `${lines.length} line(s) read: ${report.queued} queued, ${report.alreadyQueued} already queued, ${refused.length} refused\n`,
    );
    if (options.reconcile) await reconcileNow(db, config, options, submissions);
    return 0;
  } finally {
    await db.close();
  }
}

async function readRegister(
  file: string,
  delimiter: string,
  missionId: string,
  kind: RegistrySubmission['kind'],
): Promise<LegacyLine[]> {
  const parser = createReadStream(file).pipe(
    parse({
      columns: true,
      bom: true,
      delimiter,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }),
  );
  const importedAt = new Date();
  const lines: LegacyLine[] = [];
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    lines.push(legacyLineToSubmission(record, info.lines, { missionId, kind, importedAt }));
  }
  return lines;
}

async function queueInBatches(db: Database, missionId: string, submissions: readonly RegistrySubmission[]) {
  let queued = 0;
  let alreadyQueued = 0;
  for (let at = 0; at < submissions.length; at += BATCH) {
    const report = await queueImportedSubmissions(db, missionId, submissions.slice(at, at + BATCH));
    queued += report.queued;
    alreadyQueued += report.alreadyQueued;
  }
  return { queued, alreadyQueued };
}

async function reconcileNow(
  db: Database,
  config: Awaited<ReturnType<typeof readHubConfig>>,
  options: ImportOptions,
  submissions: readonly RegistrySubmission[],
): Promise<void> {
  const hub = await loadHubIdentity(config);
  const { trust } = await loadTrustStore(db, hub.toPublic());
  // Imported lines send nothing down; anything else pending is decided too and waits in the
  // outbound queue for the running hub to publish.
  const service = createRegistryService({
    db,
    hub,
    trust,
    publish: () => undefined,
    submissionsPerMissionPerDay: config.registry.submissionsPerMissionPerDay,
  });
  const report = await service.reconcileAll();
  process.stdout.write(
    `reconciled: ${report.match} match, ${report.new} new, ${report.review} review, ${report.failed} failed\n`,
  );
  if (!options.out) return;
  const ids = submissions.map((submission) => submission.submissionId);
  const decisions = await importedDecisions(db, options.mission, ids);
  await writeFile(options.out, decisions.map((decision) => `${JSON.stringify(decision)}\n`).join(''));
  process.stdout.write(`${decisions.length} decision(s) written to ${options.out}\n`);
}
