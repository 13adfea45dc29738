import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';

/** `econsulat vectors`: regenerate protocol/vectors.json from fixed seeds (only when the wire changes). */
export function registerVectorsCommand(program: Command): void {
  program
    .command('vectors')
    .description('write the protocol test vectors (fixed keys, inputs and expected bytes)')
    .option('--out <file>', 'output file', 'protocol/vectors.json')
    .action(async (options: { out: string }) => {
      const { buildVectors } = await import('../vectors/build-vectors.js');
      await writeFile(options.out, `${JSON.stringify(await buildVectors(), null, 2)}\n`);
      process.stdout.write(`wrote ${options.out}\n`);
    });
}
