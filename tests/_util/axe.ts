import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AxeResults, ImpactValue, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

/** The impacts a page may not have: axe's two highest. */
export const BLOCKING_IMPACTS: readonly ImpactValue[] = ['serious', 'critical'];

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices. */
const RUN_OPTIONS: RunOptions = {
  runOnly: {
    type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
  },
  resultTypes: ['violations'],
};

/** What the page offers once axe is in it. */
interface AxePageGlobals {
  readonly document: unknown;
  readonly axe: { run(context: unknown, options: unknown): Promise<AxeResults> };
}

let axeSource: Promise<string> | undefined;

/** The source of axe-core's browser build, read once. */
function loadAxeSource(): Promise<string> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/** One violation as a line a person can act on: rule, impact, the first elements concerned. */
export interface AxeFinding {
  readonly rule: string;
  readonly impact: ImpactValue | undefined;
  readonly help: string;
  readonly targets: string[];
}

/**
 * Runs axe-core in the page as it is and returns its serious and critical violations. The source
 * goes in through `page.evaluate` (the DevTools protocol), which the portal's CSP does not cover:
 * the page keeps its production policy, no `bypassCSP` and no inline `<script>` needed.
 */
export async function blockingViolations(page: Page): Promise<AxeFinding[]> {
  const installed = await page.evaluate(() => 'axe' in globalThis);
  if (!installed) await page.evaluate(await loadAxeSource());
  const results = await page.evaluate(
    (options) => {
      // Runs in the page, where axe and the document are globals (no DOM types in this project).
      const page = globalThis as unknown as AxePageGlobals;
      return page.axe.run(page.document, options);
    },
    RUN_OPTIONS as unknown as Record<string, unknown>,
  );
  return results.violations
    .filter((violation) => violation.impact && BLOCKING_IMPACTS.includes(violation.impact))
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact ?? undefined,
      help: violation.help,
      targets: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')),
    }));
}
