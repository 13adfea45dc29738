import { CodedError } from '../../../common/errors/coded-error.js';
/** Why a file operation was refused. Stable codes: the HTTP layer maps them to statuses. */
export const FileErrorCode = {
  /** The typed tracking number is malformed or its check character does not match (404-like, but a typo). */
  InvalidTrackingNumber: 'invalid_tracking_number',
  /** A valid tracking number of another mission. */
  OtherMission: 'other_mission',
  /** No file with this id or tracking number. */
  NotFound: 'file_not_found',
  /** The applicant is not in the people repository. */
  UnknownPerson: 'unknown_person',
  /** The workflow of the file's service does not allow this move from its current state. */
  TransitionNotAllowed: 'transition_not_allowed',
  /** The file moved since the agent's screen showed it (the expected state no longer holds). */
  StateChanged: 'state_changed',
  /** No document with this id on this file. */
  DocumentNotFound: 'document_not_found',
  /** A scan larger than a document may be (or empty). */
  DocumentTooLarge: 'document_too_large',
  /** The bytes are not a PDF, JPEG or PNG, or not the type the upload declared. */
  DocumentTypeMismatch: 'document_type_mismatch',
  /** Too many wrong secrets for this file: its details are locked for a while (lookup-lock.ts). */
  LookupLocked: 'lookup_locked',
} as const;

/** One of the codes of {@link FileErrorCode}. */
export type FileErrorCodeValue = (typeof FileErrorCode)[keyof typeof FileErrorCode];

/** HTTP status of each code, for the API's error handler. */
export const FILE_ERROR_STATUS: Readonly<Record<FileErrorCodeValue, number>> = {
  invalid_tracking_number: 400,
  other_mission: 404,
  file_not_found: 404,
  unknown_person: 422,
  transition_not_allowed: 409,
  state_changed: 409,
  document_not_found: 404,
  document_too_large: 413,
  document_type_mismatch: 415,
  lookup_locked: 429,
};

/** A refusal of the files service. */
export class FileError extends CodedError<FileErrorCodeValue> {
  override readonly name = 'FileError';
}
