import { z } from 'zod';
import { SurveyEvents } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { transaction } from '../../db/transaction.js';
import { languageSchema } from '../catalogue/catalogue-schema.js';
import type { FileState } from '../files/workflow.js';
import { appendEvent, newEvent } from '../outbox/outbox.js';

const rating = z.coerce.number().int().min(1).max(5);

/** The survey's questions, each rated 1 (bad) to 5 (very good). */
export const surveyAnswersSchema = z.strictObject({ overall: rating, speed: rating, welcome: rating });
export type SurveyAnswers = z.output<typeof surveyAnswersSchema>;

/** Where the answer was given. */
export const surveyChannelSchema = z.enum(['portal', 'kiosk']);

/** The file an answer is about, as the caller looked it up. */
export interface SurveyedFile {
  readonly id: string;
  readonly serviceCode: string;
  readonly state: FileState;
}

/** An answer as the applicant gave it, and where. */
export interface SurveyInput {
  readonly answers: SurveyAnswers;
  readonly channel: z.infer<typeof surveyChannelSchema>;
  readonly lang: string;
}

/** The outcome of an answer: untrusted input, so a result to branch on. */
export type SurveyResult =
  | { readonly status: 'recorded' }
  | { readonly status: 'refused'; readonly reason: 'not_delivered' | 'already_answered' };

/**
 * Records the survey answer of a delivered file, once: a second answer for the same file is
 * refused, so a file counts once in the mission's figures.
 */
export function recordSurveyAnswer(
  store: Store,
  file: SurveyedFile,
  input: SurveyInput,
  now: Date,
): SurveyResult {
  if (file.state !== 'delivered') return { status: 'refused', reason: 'not_delivered' };
  const answers = surveyAnswersSchema.parse(input.answers);
  const channel = surveyChannelSchema.parse(input.channel);
  const lang = languageSchema.parse(input.lang);
  const record = () => {
    const inserted = insertAnswer(store, file, { answers, channel, lang }, now);
    if (inserted) reportAnswer(store, file, answers, channel, now);
    return inserted;
  };
  return transaction(store.db, record)
    ? { status: 'recorded' }
    : { status: 'refused', reason: 'already_answered' };
}

/** What the survey service needs. */
export interface SurveyServiceDeps {
  readonly store: Store;
  readonly now?: () => Date;
}

/** The satisfaction survey of delivered files. */
export interface SurveyService {
  /** {@link recordSurveyAnswer} at the service's clock. */
  record(file: SurveyedFile, input: SurveyInput): SurveyResult;
}

/** Builds the survey service over a store. */
export function createSurveyService(deps: SurveyServiceDeps): SurveyService {
  const clock = deps.now ?? (() => new Date());
  return { record: (file, input) => recordSurveyAnswer(deps.store, file, input, clock()) };
}

/** Kind of the outbox event the hub's dashboards read (`data.rating` is the overall rating). */
export const SURVEY_ANSWERED = SurveyEvents.Answered;

function insertAnswer(
  store: Store,
  file: SurveyedFile,
  input: { answers: SurveyAnswers; channel: string; lang: string },
  now: Date,
): boolean {
  const { answers, channel, lang } = input;
  const inserted = store.db
    .prepare(
      `INSERT INTO survey_answers (file_id, service_code, overall, speed, welcome, channel, lang, answered_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (file_id) DO NOTHING`,
    )
    .run(
      file.id,
      file.serviceCode,
      answers.overall,
      answers.speed,
      answers.welcome,
      channel,
      lang,
      now.toISOString(),
    );
  return inserted.changes === 1;
}

// Ratings only: no personal data leaves with the answer, and the file is named by its id.
function reportAnswer(
  store: Store,
  file: SurveyedFile,
  answers: SurveyAnswers,
  channel: string,
  now: Date,
): void {
  const data = {
    serviceCode: file.serviceCode,
    rating: answers.overall,
    speed: answers.speed,
    welcome: answers.welcome,
    channel,
  };
  appendEvent(
    store,
    newEvent({ kind: SURVEY_ANSWERED, entity: 'file', entityId: file.id, at: now.toISOString(), data }),
  );
}
