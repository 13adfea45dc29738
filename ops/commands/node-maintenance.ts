import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createBackup } from '../../node/backup/backup.js';
import { backupFileName } from '../../node/backup/backup-files.js';
import { type RestoreResult, restoreBackup } from '../../node/backup/restore.js';
import { backupScansDir } from '../../node/backup/scan-backup.js';
import { type NodeConfig, nodePaths } from '../../node/config/config.js';
import { promptingOpening } from '../../node/config/secrets.js';
import { loadDataKey } from '../../node/crypto/key-file.js';
import { openDatabase } from '../../node/db/db.js';
import { openStore } from '../../node/db/store.js';
import { type AuditVerdict, verifyAuditChain } from '../../node/services/audit/audit-verify.js';
import { ready } from '../../protocol/index.js';
import { readNodeConfig } from './node.js';
import { restoreFromHubCommand } from './node-restore-hub.js';
import { progressBar } from './progress-bar.js';
import { reportErrors } from './report-errors.js';
import { UsageError } from './usage-error.js';

const KEY_NOTE = `
The backup is encrypted with a key derived from the mission's data key (keys/data.key).
Without that key file a backup cannot be restored: keep a copy of it, and of keys/identity.key,
in a safe place of its own — never beside the backups (a stolen backup disk must not hold its key).`;

const RESTORE_NOTE = `
Nothing in --dir changes until the backup passes its checks: the database is sound (backup_damaged),
not older than a backup restored there before (older_than_restored, see restore-history.jsonl),
its audit log verifies (audit_broken) and its scans are in the documents folder beside it
(scans_missing). ops/runbooks/sauvegarde-et-restauration.md says what to do for each.`;

const FROM_HUB_NOTE = `
With --from-hub, on a new machine after the loss of the old one: a ministry user allowed to restore
logs in at the prompt (or ECONSULAT_HUB_TOKEN_FILE names a file holding a session token), the
custodian's recovery key opens the generation, and the mission comes back with its scans, its keys,
its HTTPS certificate and its node.json. NODE_EXTRA_CA_CERTS names the hub's authority if needed.`;

/** `econsulat node backup|restore|audit-verify`: the IT referent's maintenance commands. */
export function registerNodeMaintenanceCommands(nodeCommand: Command): void {
  nodeCommand
    .command('backup')
    .description('write an encrypted backup of the mission database (safe while the node runs)')
    .requiredOption('--config <file>', 'the node’s config file')
    .option('--out <file>', 'encrypted file to write (default: <data dir>/backups/mission-<time>.sqlite.enc)')
    .addHelpText('after', KEY_NOTE)
    .action((options: { config: string; out?: string }) => reportErrors(() => backupCommand(options)));

  nodeCommand
    .command('restore')
    .description('rebuild a data directory from a backup file, or from the off-site backup at HQ')
    .option('--config <file>', 'config file of the mission whose data key to use (with --from)')
    .option('--from <file>', 'the encrypted backup (.sqlite.enc)')
    .option('--from-hub', 'take the mission’s off-site backup from the hub instead (a new machine)')
    .option('--hub <url>', 'with --from-hub: the hub’s address, e.g. https://hub.example')
    .option('--mission <id>', 'with --from-hub: the mission to rebuild, e.g. fr-paris')
    .option('--recovery-key <file>', 'with --from-hub: the ministry’s recovery key, from its custodian')
    .option('--generation <n>', 'with --from-hub: the generation to restore (default: the newest stored)')
    .requiredOption('--dir <dir>', 'data directory to restore into (a new one, preferably)')
    .option('--data-key <file>', 'data key file to use instead of the one in the config’s data directory')
    .option('--force', 'replace a database already in --dir (stop the node that uses it first)')
    .option(
      '--accept-broken-audit',
      'restore even though the backup’s audit log does not verify (exit code 1)',
    )
    .option('--accept-missing-scans', 'restore even though scans are missing beside the backup (exit code 1)')
    .option('--older', 'restore a backup older than one already restored into --dir (going back on purpose)')
    .addHelpText('after', KEY_NOTE)
    .addHelpText('after', RESTORE_NOTE)
    .addHelpText('after', FROM_HUB_NOTE)
    .action((options: RestoreOptions) =>
      reportErrors(() => (options.fromHub ? restoreFromHub(options) : restoreCommand(options))),
    );

  nodeCommand
    .command('audit-verify')
    .description('check the hash chain of the audit log; names the first altered, missing or moved entry')
    .requiredOption('--config <file>', 'the node’s config file')
    .action((options: { config: string }) => reportErrors(() => auditVerifyCommand(options)));
}

/** `econsulat audit verify`: the same check as `econsulat node audit-verify`, where auditors look. */
export function registerAuditCommands(program: Command): void {
  program
    .command('audit')
    .description('inspect a mission’s audit log')
    .command('verify')
    .description('check the hash chain of the audit log; names the first altered, missing or moved entry')
    .requiredOption('--config <file>', 'the node’s config file')
    .action((options: { config: string }) => reportErrors(() => auditVerifyCommand(options)));
}

interface RestoreOptions {
  config?: string;
  from?: string;
  fromHub?: boolean;
  hub?: string;
  mission?: string;
  recoveryKey?: string;
  generation?: string;
  dir: string;
  dataKey?: string;
  force?: boolean;
  acceptBrokenAudit?: boolean;
  acceptMissingScans?: boolean;
  older?: boolean;
}

async function backupCommand(options: { config: string; out?: string }): Promise<void> {
  const config = await readNodeConfig(options.config);
  const paths = nodePaths(config);
  const store = await openStore({
    path: paths.database,
    dataKey: await loadDataKey(paths.dataKey, promptingOpening(config.missionId)),
  });
  const out = resolve(options.out ?? join(paths.backups, backupFileName(new Date())));
  const bar = progressBar();
  try {
    const result = await createBackup({ store, out, workDir: paths.backups, onProgress: bar.listener });
    bar.stop();
    process.stdout.write(`backup written: ${result.file} (${result.pages} pages, ${result.bytes} bytes)\n`);
    process.stdout.write(
      `scanned documents: ${result.scans} new in ${backupScansDir(result.file)} (the backup needs that folder too)\n`,
    );
    process.stdout.write(
      `restoring it needs the data key: keep a copy apart (econsulat node data-key copy --config ${options.config} --out <usb>/data.key)\n`,
    );
  } finally {
    bar.stop();
    store.close();
  }
}

async function restoreFromHub(options: RestoreOptions): Promise<void> {
  const { hub, mission, recoveryKey } = options;
  if (!hub || !mission || !recoveryKey || options.from) {
    throw new UsageError('--from-hub takes --hub, --mission and --recovery-key, and no --from');
  }
  await restoreFromHubCommand({ ...options, hub, mission, recoveryKey });
}

async function restoreCommand(options: RestoreOptions): Promise<void> {
  if (!options.from || !options.config) {
    throw new UsageError('give --from <backup file> and --config, or --from-hub (see --help)');
  }
  const from = options.from;
  const config = await readNodeConfig(options.config);
  const dir = resolve(options.dir);
  const dataKey = await loadDataKey(
    options.dataKey ?? nodePaths(config).dataKey,
    promptingOpening(config.missionId),
  );
  const bar = progressBar();
  let result: RestoreResult;
  try {
    result = await restoreBackup({
      from,
      dataKey,
      dir,
      force: options.force,
      acceptBrokenAudit: options.acceptBrokenAudit,
      acceptMissingScans: options.acceptMissingScans,
      allowOlder: options.older,
      onProgress: bar.listener,
    });
  } finally {
    bar.stop();
  }
  printRestored(result, from);
  await writeRestoredConfig(config, dir);
  process.stdout.write(
    `before running it, put the mission's key files in ${join(dir, 'keys')}: data.key and identity.key\n`,
  );
}

// What was let through by --accept-* is restored but not sound: exit code 1, as a check that failed.
function printRestored(result: RestoreResult, from: string): void {
  process.stdout.write(`restored ${result.database} (integrity ${result.integrity})\n`);
  process.stdout.write(`scanned documents: ${result.documents.restored} restored\n`);
  if (result.documents.missing.length > 0) {
    process.stderr.write(
      `${result.documents.missing.length} scanned documents are not in ${backupScansDir(from)} ` +
        '(--accept-missing-scans): their files are restored without them; scan them again\n',
    );
    process.exitCode = 1;
  }
  printVerdict(result.audit);
  if (!result.audit.ok) {
    process.stderr.write('restored with a broken audit log (--accept-broken-audit): tell the ministry\n');
    process.exitCode = 1;
  }
  const newer = result.wentBackBefore;
  if (newer) {
    process.stdout.write(
      `went back before ${newer.backup} (restored on ${newer.restoredAt}, audit entry ${newer.auditHead.seq}) ` +
        'with --older: what it held after this backup is not in the restored database\n',
    );
  }
}

// The restored directory gets a config naming it, so `node run --config <dir>/node.json` works
// once the keys are in place; an existing config is left as it is.
async function writeRestoredConfig(config: NodeConfig, dir: string): Promise<void> {
  const file = join(dir, 'node.json');
  const text = `${JSON.stringify({ ...config, dataDir: dir }, null, 2)}\n`;
  await writeFile(file, text, { mode: 0o600, flag: 'wx' }).then(
    () => process.stdout.write(`wrote ${file}\n`),
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    },
  );
}

async function auditVerifyCommand(options: { config: string }): Promise<void> {
  const config = await readNodeConfig(options.config);
  await ready();
  // Read-only and without the data key: the chain's hashes are unkeyed, so an auditor can check it.
  const db = openDatabase(nodePaths(config).database, { readonly: true });
  try {
    const verdict = verifyAuditChain(db);
    printVerdict(verdict);
    if (!verdict.ok) process.exitCode = 1;
  } finally {
    db.close();
  }
}

function printVerdict(verdict: AuditVerdict): void {
  if (verdict.ok) {
    const entries = verdict.length === 1 ? 'entry' : 'entries';
    process.stdout.write(`audit log OK: ${verdict.length} ${entries}, head ${verdict.headHash}\n`);
  } else {
    process.stdout.write(
      `audit log BROKEN at entry ${verdict.firstBadSeq} (${verdict.reason}): ${verdict.detail}\n`,
    );
  }
}
