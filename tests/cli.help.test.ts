import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = new URL('../ops/bin/econsulat.js', import.meta.url).pathname;

async function help(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [bin, ...args, '--help']);
  return stdout;
}

/** Lists the subcommands that commander prints under "Commands:". */
function commandsIn(text: string): string[] {
  const section = text.split('Commands:')[1] ?? '';
  return section
    .split('\n')
    .map((line) => /^ {2}([a-z][a-z-]*)/.exec(line)?.[1] ?? '')
    .filter((name) => name && name !== 'help');
}

/** Runs `task` over `items`, `width` at a time: each help is a process start of its own. */
async function inPool<T>(
  items: readonly T[],
  width: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}

describe('econsulat command line', () => {
  it('prints help for itself and for every command and subcommand', async () => {
    const top = await help();
    expect(top).toContain('Usage: econsulat');
    const commands = commandsIn(top);
    expect(commands).toEqual(expect.arrayContaining(['keys', 'bench', 'vectors', 'demo']));
    const pairs: [string, string][] = [];
    await inPool(commands, 3, async (command) => {
      const text = await help(command);
      expect(text, command).toContain(`Usage: econsulat ${command}`);
      for (const sub of commandsIn(text)) pairs.push([command, sub]);
    });
    await inPool(pairs, 3, async ([command, sub]) => {
      expect(await help(command, sub), `${command} ${sub}`).toContain(`Usage: econsulat ${command} ${sub}`);
    });
    expect(pairs.length).toBeGreaterThan(20);
  }, 300_000);
});
