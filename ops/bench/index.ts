import { benchProtocol } from './protocol.js';

const suites: Record<string, () => Promise<void>> = {
  protocol: benchProtocol,
};

/** Runs one suite by name, or every suite for `all`. */
export async function runBench(name: string): Promise<void> {
  const chosen = name === 'all' ? Object.values(suites) : [suites[name]];
  if (chosen.some((suite) => !suite)) {
    throw new Error(`unknown bench suite ${name}; known: ${Object.keys(suites).join(', ')}, all`);
  }
  for (const suite of chosen) await suite?.();
}
