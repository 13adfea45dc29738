export { type AnsweredStatus, answerCode } from './answer-code.js';
export { ROLL_CALL_ERROR_STATUS, RollCallError, RollCallErrorCode } from './errors.js';
export type { InboundDisposition, InboundOutcome, InboundSms } from './roll-call-answers.js';
export type { RollCallChannels } from './roll-call-channels.js';
export { purgeRollCallAnswers, ROLL_CALL_JOB_ACTOR } from './roll-call-close.js';
export type { RollCall, RollCallCounts } from './roll-call-counts.js';
// The close job's entry: closing writes the counts for the hub too.
export { closeDueRollCallsWithCounts as closeDueRollCalls } from './roll-call-events.js';
export type { KeptReply, RollCallPerson } from './roll-call-follow-up.js';
export type { NeedHelpDecision, NeedHelpRequest } from './roll-call-need-help.js';
export type { OpenRollCall, PhoneAnswerOutcome } from './roll-call-phone.js';
export {
  outcomeSchema,
  ROLL_CALL_OUTCOMES,
  ROLL_CALL_STATUSES,
  type RollCallOutcome,
  type RollCallStatus,
  startRollCallSchema,
  type Zone,
} from './roll-call-schema.js';
export { createRollCallService, type RollCallDeps, type RollCallService } from './roll-call-service.js';
export type { RollCallReach, RollCallStarter, StartOutcome } from './roll-call-start.js';
export { isWellFormedToken, rollCallLinkPath } from './roll-call-token.js';
export type {
  RollCallInvitation,
  RollCallLinkLookup,
  RollCallLinkPerson,
  RollCallLinkRefusal,
  WebAnswer,
  WebAnswerOutcome,
} from './roll-call-web.js';
export { WEB_FREE_TEXT_MAX } from './roll-call-web.js';
