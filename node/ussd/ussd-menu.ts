import { checkCharacter } from '../services/files/tracking-number.js';
import type { AnsweredStatus } from '../services/roll-calls/index.js';
import type { UssdData, UssdRollCall } from './ussd-data.js';
import { BACK, chosenOnPage, feePageScreen, feePages, MORE } from './ussd-fee-pages.js';
import { defaultLanguage, type TrackProblem, USSD_MESSAGES, type UssdLang } from './ussd-messages.js';
import { appointmentScreen, feesScreen, fileStatusScreen, hoursScreen } from './ussd-screens.js';
import {
  CONTINUE,
  clip,
  continueWith,
  endWith,
  screenLength,
  toUssdAscii,
  USSD_MAX_CHARS,
} from './ussd-text.js';

/** One callback of the gateway, as the menu needs it. */
export interface UssdCall {
  /** The caller's answers so far, joined with `*`; empty at the first step. */
  readonly text: string;
  /** The caller's number in E.164, when the gateway gave a valid one. */
  readonly phone: string | undefined;
}

/** Wrong answers before the session is ended (a caller lost, or someone guessing numbers). */
const MAX_WRONG_ANSWERS = 3;
/** Answers read from one callback; a session never needs this many. */
const MAX_ANSWERS = 40;

const SWITCH_LANGUAGE = '0';

type Screen =
  | { readonly kind: 'main'; readonly notice?: string }
  | { readonly kind: 'track'; readonly notice?: string }
  | { readonly kind: 'fees'; readonly page: number; readonly notice?: string }
  | { readonly kind: 'rollCall'; readonly notice?: string }
  | { readonly kind: 'ended'; readonly reply: string };

interface State {
  readonly lang: UssdLang;
  readonly screen: Screen;
  readonly wrong: number;
}

/**
 * The reply to one callback. The session's state is the caller's answers: they are replayed from
 * the first screen on every callback, so the node keeps nothing between callbacks and a callback
 * replayed by the gateway gets the same reply.
 */
export function ussdReply(call: UssdCall, data: UssdData): string {
  const answers = call.text === '' ? [] : call.text.split('*').map((answer) => answer.trim());
  let state: State = { lang: defaultLanguage(call.phone), screen: { kind: 'main' }, wrong: 0 };
  for (const answer of answers.slice(0, MAX_ANSWERS)) {
    if (state.screen.kind === 'ended') break;
    state = step(state, answer, call, data);
    if (state.wrong >= MAX_WRONG_ANSWERS) {
      state = {
        ...state,
        screen: { kind: 'ended', reply: endWith([USSD_MESSAGES[state.lang].tooManyErrors]) },
      };
    }
  }
  return render(state, call, data);
}

function step(state: State, answer: string, call: UssdCall, data: UssdData): State {
  switch (state.screen.kind) {
    case 'main':
      return fromMain(state, answer, call, data);
    case 'track':
      return fromTrack(state, answer, call, data);
    case 'fees':
      return fromFees(state, state.screen.page, answer, data);
    case 'rollCall':
      return fromRollCall(state, answer, call, data);
    case 'ended':
      return state;
  }
}

function ended(state: State, reply: string): State {
  return { ...state, screen: { kind: 'ended', reply } };
}

function wrongAnswer(state: State, screen: Screen): State {
  return { ...state, screen, wrong: state.wrong + 1 };
}

/** The roll-call open for the caller's phone, in the session's language, if any. */
function openRollCall(lang: UssdLang, call: UssdCall, data: UssdData): UssdRollCall | undefined {
  return call.phone === undefined ? undefined : data.rollCalls?.open(call.phone, lang);
}

function fromMain(state: State, answer: string, call: UssdCall, data: UssdData): State {
  const { lang } = state;
  // While a roll-call is open for the caller, its entry is the first and the others follow it.
  const heading = openRollCall(lang, call, data) !== undefined;
  if (heading && answer === ROLL_CALL_ENTRY) return { ...state, screen: { kind: 'rollCall' } };
  const choice = heading && /^[2-9]$/.test(answer) ? String(Number(answer) - 1) : answer;
  switch (choice) {
    case SWITCH_LANGUAGE:
      return { ...state, lang: lang === 'fr' ? 'sg' : 'fr', screen: { kind: 'main' } };
    case '1':
      return { ...state, screen: { kind: 'track' } };
    case '2':
      return ended(state, appointmentScreen(lang, data, call.phone));
    case '3':
      return { ...state, screen: { kind: 'fees', page: 0 } };
    case '4':
      return ended(state, hoursScreen(lang, data));
    default:
      return wrongAnswer(state, { kind: 'main', notice: USSD_MESSAGES[lang].invalidChoice });
  }
}

const ROLL_CALL_ENTRY = '1';
const ROLL_CALL_ANSWERS: Readonly<Record<string, AnsweredStatus>> = {
  '1': 'safe',
  '2': 'need_help',
  '3': 'not_in_zone',
};

// The session ends on the answer, so a callback records it once; a gateway's replay of that
// callback gives the same answer again, which changes nothing.
function fromRollCall(state: State, answer: string, call: UssdCall, data: UssdData): State {
  const text = USSD_MESSAGES[state.lang];
  if (answer === BACK) return { ...state, screen: { kind: 'main' } };
  const status = Object.hasOwn(ROLL_CALL_ANSWERS, answer) ? ROLL_CALL_ANSWERS[answer] : undefined;
  if (status === undefined) return wrongAnswer(state, { kind: 'rollCall', notice: text.invalidChoice });
  const isRecorded = call.phone !== undefined && data.rollCalls?.answer(call.phone, status) === true;
  if (!isRecorded) return ended(state, endWith([text.rollCallClosed]));
  return ended(state, endWith([text.rollCallThanks, ...(status === 'need_help' ? [text.rollCallHelp] : [])]));
}

function fromTrack(state: State, answer: string, call: UssdCall, data: UssdData): State {
  if (answer === BACK) return { ...state, screen: { kind: 'main' } };
  const problem: TrackProblem | undefined = answer.length < 4 || answer.length > 40 ? 'invalid' : undefined;
  const file = problem ? { found: false as const, problem } : data.lookupFile(answer, call.phone, state.lang);
  if (file.found) return ended(state, fileStatusScreen(state.lang, data, file));
  return wrongAnswer(state, { kind: 'track', notice: USSD_MESSAGES[state.lang].trackProblem[file.problem] });
}

function fromFees(state: State, page: number, answer: string, data: UssdData): State {
  const services = data.services(state.lang);
  const pages = feePages(state.lang, services);
  if (answer === BACK) return { ...state, screen: { kind: 'main' } };
  if (answer === MORE && page + 1 < pages.length)
    return { ...state, screen: { kind: 'fees', page: page + 1 } };
  const current = pages[page];
  const chosen = current === undefined ? undefined : chosenOnPage(current, answer);
  const service = chosen === undefined ? undefined : services[chosen];
  if (service) return ended(state, feesScreen(state.lang, service));
  return wrongAnswer(state, { kind: 'fees', page, notice: USSD_MESSAGES[state.lang].invalidChoice });
}

function render(state: State, call: UssdCall, data: UssdData): string {
  const text = USSD_MESSAGES[state.lang];
  const { screen } = state;
  const rollCall = openRollCall(state.lang, call, data);
  switch (screen.kind) {
    case 'ended':
      return screen.reply;
    case 'main':
      return continueWith([
        ...(screen.notice ? [screen.notice] : []),
        text.title,
        ...[...(rollCall ? [text.rollCallEntry] : []), ...text.menu].map(
          (label, index) => `${index + 1} ${label}`,
        ),
        `${SWITCH_LANGUAGE} ${text.otherLanguage}`,
      ]);
    case 'rollCall':
      return rollCall ? rollCallScreen(state.lang, rollCall, screen.notice) : endWith([text.rollCallClosed]);
    case 'track':
      return continueWith([
        ...(screen.notice ? [screen.notice] : []),
        text.trackPrompt(exampleTracking(data.trackingPrefix)),
        `${BACK} ${text.back}`,
      ]);
    case 'fees':
      return feePageScreen(
        state.lang,
        feePages(state.lang, data.services(state.lang)),
        screen.page,
        screen.notice,
      );
  }
}

/** The roll-call's title and message, cut to leave room for the three answers and the way back. */
function rollCallScreen(lang: UssdLang, rollCall: UssdRollCall, notice: string | undefined): string {
  const text = USSD_MESSAGES[lang];
  const before = notice ? [notice] : [];
  const after = [
    ...text.rollCallAnswers.map((label, index) => `${index + 1} ${label}`),
    `${BACK} ${text.back}`,
  ];
  const room = USSD_MAX_CHARS - CONTINUE.length - screenLength([...before, ...after]) - 1;
  const heading = clip(toUssdAscii(`${rollCall.title}: ${rollCall.message}`), room);
  return continueWith([...before, heading, ...after]);
}

// A well-formed number of this mission, so that a caller who copies the example's shape is understood.
function exampleTracking(prefix: string): string {
  return `${prefix}-7K3M-9QX2-${checkCharacter(prefix, '7K3M9QX2')}`;
}
