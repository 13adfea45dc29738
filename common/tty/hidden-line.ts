import { CodedError } from '../errors/coded-error.js';

/** Ctrl-C at a hidden prompt: the operator gave up, nothing was typed. */
export class CancelledInput extends CodedError<'cancelled'> {
  override readonly name = 'CancelledInput';

  constructor() {
    super('cancelled', 'cancelled at the prompt');
  }
}

/** Reads one line from a terminal in raw mode, echoing nothing. */
export function readHiddenLine(
  input: NodeJS.ReadStream,
  output: NodeJS.WriteStream,
  prompt: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(prompt);
    let typed = '';
    const wasRaw = input.isRaw;
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new CancelledInput());
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += char;
      }
    };
    input.on('data', onData);
  });
}
