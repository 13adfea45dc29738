import type { Store } from '../../db/store.js';
import type { AnsweredStatus } from './answer-code.js';
import { withCounts } from './roll-call-events.js';
import {
  answerFromPhone,
  type OpenRollCall,
  openRollCallForPhone,
  type PhoneAnswerOutcome,
  type PhoneChannel,
} from './roll-call-phone.js';
import {
  answerRollCallLink,
  lookupRollCallLink,
  type RollCallLinkLookup,
  type WebAnswer,
  type WebAnswerOutcome,
} from './roll-call-web.js';

/** How people answer a roll-call besides SMS: the web link of their SMS, and the USSD menu. */
export interface RollCallChannels {
  /** The page of a roll-call link (`/r/<token>`), or why it answers nothing. */
  link(token: string): RollCallLinkLookup;
  /** A web answer for one person of the link's household; a refusal records nothing. */
  answerLink(answer: WebAnswer): WebAnswerOutcome;
  /** The roll-call open now for a caller's phone (E.164), if any. */
  openForPhone(phone: string): OpenRollCall | undefined;
  /** An answer from a caller's phone (E.164) for everyone registered with it. */
  answerFromPhone(phone: string, status: AnsweredStatus, channel: PhoneChannel): PhoneAnswerOutcome;
}

/** The channels over a store; each answer writes the roll-call's counts for the hub with it. */
export function rollCallChannels(store: Store, now: () => Date): RollCallChannels {
  return {
    link: (token) => lookupRollCallLink(store, token, now()),
    answerLink: (answer) =>
      withCounts(
        store,
        now,
        () => answerRollCallLink(store, answer, now()),
        (out) => (out.ok ? out.invitation.rollCallId : null),
      ),
    openForPhone: (phone) => openRollCallForPhone(store, phone, now()),
    answerFromPhone: (phone, status, channel) =>
      withCounts(
        store,
        now,
        () => answerFromPhone(store, phone, status, channel, now()),
        (out) => (out.ok ? out.rollCallId : null),
      ),
  };
}
