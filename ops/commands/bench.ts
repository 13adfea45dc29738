import type { Command } from 'commander';

/** `econsulat bench <suite>`: speed and memory figures for BENCHMARKS.md. */
export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('run a benchmark suite and print its figures')
    .argument(
      '[suite]',
      'protocol | sync | resync | records | booking | memory | directives | dashboards | registry | hub-store | all',
      'all',
    )
    .action(async (suite: string) => {
      const { runBench } = await import('../bench/index.js');
      await runBench(suite);
    });
}
