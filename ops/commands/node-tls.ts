import type { Command } from 'commander';
import type { NodeConfig } from '../../node/config/config.js';
import { defaultServerNames, type ServerNames, serverNames } from '../tls/server-names.js';
import type { TlsSummary } from '../tls/tls-summary.js';
import { reportErrors } from './report-errors.js';
import { UsageError } from './usage-error.js';

/** The options that name the server certificate's subject, shared by `node init` and `tls renew`. */
export interface TlsNameOptions {
  tlsName?: string[];
  tlsIp?: string[];
}

/** Commander's collector for a repeated option. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds `--tls-name` and `--tls-ip` (both repeatable) to a command. */
export function withTlsNameOptions(command: Command): Command {
  return command
    .option(
      '--tls-name <name>',
      'a host name the counters type to reach the node (repeat; default: this machine’s, and localhost)',
      collect,
    )
    .option(
      '--tls-ip <address>',
      'an address the counters reach the node at (repeat; default: this machine’s IPv4 addresses and 127.0.0.1)',
      collect,
    );
}

/** The names given, or the machine's own when none is (names and addresses: both or neither). */
export function namesFromOptions(options: TlsNameOptions): ServerNames {
  const { tlsName = [], tlsIp = [] } = options;
  if (tlsName.length + tlsIp.length === 0) return defaultServerNames();
  try {
    return serverNames(tlsName, tlsIp);
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}

/** What the operator reads after a certificate is made: what it covers and how counters trust it. */
export function tlsLines(summary: TlsSummary, configFile: string): string[] {
  return [
    'HTTPS certificate of the node, signed by the mission’s own authority:',
    `  names            ${summary.serverNames}`,
    `  valid until      ${summary.serverValidTo}  (then: econsulat node tls renew --config ${configFile})`,
    `  authority        ${summary.paths.caCert}  (valid until ${summary.caValidTo})`,
    `  SHA-256          ${summary.caFingerprint}`,
    'Install the authority file on every counter’s browser and check it shows this SHA-256',
    '(ops/runbooks/installer-une-mission.md, « Faire confiance au certificat de la mission »).',
    '',
  ];
}

/** `econsulat node tls renew`: a new server certificate from the mission's authority. */
export function registerNodeTlsCommands(
  nodeCommand: Command,
  readConfig: (path: string) => Promise<NodeConfig>,
): void {
  const tls = nodeCommand
    .command('tls')
    .description('the node’s HTTPS certificate and the mission’s authority');
  withTlsNameOptions(
    tls
      .command('renew')
      .description(
        'make a new server certificate from the mission’s authority (addresses changed, or expiry near)',
      )
      .requiredOption('--config <file>', 'the node’s config file')
      .option(
        '--ca-key <file>',
        'the authority’s key, when it is kept off the machine (a USB key in the safe)',
      ),
  )
    .addHelpText(
      'after',
      '\nThe counters need nothing new: they trust the authority, not the certificate. Restart the' +
        '\nnode (systemctl restart econsulat-node) to serve the new certificate.',
    )
    .action((options: TlsNameOptions & { config: string; caKey?: string }) =>
      reportErrors(async () => {
        const config = await readConfig(options.config);
        if (config.http.tls === undefined) {
          throw new UsageError('this node serves plain HTTP (no http.tls in its config): nothing to renew');
        }
        // Loaded here: the certificate library and its polyfill stay out of `node run`'s process.
        const { renewServerCertificate } = await import('../tls/mission-tls.js');
        const summary = await renewServerCertificate(config.dataDir, namesFromOptions(options), {
          ...(options.caKey ? { caKey: options.caKey } : {}),
        });
        process.stdout.write(
          [...tlsLines(summary, options.config), 'Restart the node to serve it.', ''].join('\n'),
        );
      }),
    );
}
