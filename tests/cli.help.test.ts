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

describe('econsulat command line', () => {
  it('prints help for itself and for every command and subcommand', async () => {
    const top = await help();
    expect(top).toContain('Usage: econsulat');
    const commands = commandsIn(top);
    expect(commands).toEqual(expect.arrayContaining(['keys', 'bench', 'vectors', 'demo']));
    for (const command of commands) {
      const text = await help(command);
      expect(text, command).toContain(`Usage: econsulat ${command}`);
      for (const sub of commandsIn(text)) {
        expect(await help(command, sub), `${command} ${sub}`).toContain(`Usage: econsulat ${command} ${sub}`);
      }
    }
  }, 120_000);
});
