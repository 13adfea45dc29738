import type { Command } from 'commander';
import { Identity, publicIdentityToJson, ready } from '../../protocol/index.js';
import { readKeyFile, writeKeyFile } from '../keys/key-file.js';

/** `econsulat keys generate|show`: a party's identity in a 0600 key file. */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('create and inspect identity key files');

  keys
    .command('generate')
    .description('generate an Ed25519 + X25519 identity into a new key file (mode 0600)')
    .requiredOption('--party <id>', 'party id: "hub" or a mission id like fr-paris')
    .requiredOption('--out <file>', 'key file to create (never overwritten)')
    .action(async (options: { party: string; out: string }) => {
      await ready();
      const identity = Identity.generate(options.party);
      await writeKeyFile(options.out, identity);
      process.stdout.write(`${JSON.stringify(publicIdentityToJson(identity.toPublic()), null, 2)}\n`);
    });

  keys
    .command('show')
    .description('print the public half of a key file (never the secret)')
    .argument('<file>', 'key file')
    .action(async (file: string) => {
      await ready();
      const identity = await readKeyFile(file);
      process.stdout.write(`${JSON.stringify(publicIdentityToJson(identity.toPublic()), null, 2)}\n`);
    });
}
