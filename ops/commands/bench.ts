import type { Command } from 'commander';

/** `econsulat bench <suite>`: speed and memory figures for BENCHMARKS.md. */
export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('run a benchmark suite and print its figures')
    .argument(
      '[suite]',
      'protocol | sync | resync | records | booking | memory | directives | dashboards | registry | hub-store | offsite | all',
      'all',
    )
    .option('--files <n>', 'offsite: consular files at the mission (default 100000)')
    .option('--scan-mb <n>', 'offsite: megabytes of scans at the mission (default 1000)')
    .action(async (suite: string, options: { files?: string; scanMb?: string }) => {
      const { runBench } = await import('../bench/index.js');
      await runBench(suite, {
        ...(options.files ? { files: Number(options.files) } : {}),
        ...(options.scanMb ? { scanMb: Number(options.scanMb) } : {}),
      });
    });
}
