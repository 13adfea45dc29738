import type { RollCallStatus } from './roll-call-schema.js';

/** A status a reply can give. */
export type AnsweredStatus = Exclude<RollCallStatus, 'no_answer'>;

const CODES: Readonly<Record<string, AnsweredStatus>> = {
  '1': 'safe',
  '2': 'need_help',
  '3': 'not_in_zone',
  // A bare "yes" to "are you safe?" in the three languages, and "ok": what people type instead of
  // 1. Only alone: "ok mais mon frere est blesse" is read by an agent, never counted as safe.
  ok: 'safe',
  oui: 'safe',
  yes: 'safe',
};

/**
 * The status a reply gives, or undefined when it is free text for an agent. The whole reply must
 * be the code, give or take spaces, case, full-width digits and closing punctuation (`1`, ` 1 `,
 * `1.`, `OK!`, `１`). Anything more is free text: a person counted safe who wrote that they are
 * not is the one mistake a roll-call must not make; free text costs an agent a read.
 */
export function answerCode(text: string): AnsweredStatus | undefined {
  const bare = text
    .normalize('NFKC')
    .toLowerCase()
    .trim()
    .replace(/^[\s"'«(]+|[\s.!,;:"'»)]+$/gu, '');
  return Object.hasOwn(CODES, bare) ? CODES[bare] : undefined;
}
