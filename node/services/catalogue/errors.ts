import { CodedError } from '../../../common/errors/coded-error.js';
/** Stable codes of catalogue refusals; the HTTP layer maps each to a status. */
export const CatalogueErrorCode = {
  UnknownService: 'unknown_service',
  InvalidInput: 'invalid_input',
} as const;
export type CatalogueErrorCode = (typeof CatalogueErrorCode)[keyof typeof CatalogueErrorCode];

/** HTTP status for each refusal, for the API's error handler. */
export const catalogueErrorStatus: Record<CatalogueErrorCode, number> = {
  unknown_service: 404,
  invalid_input: 400,
};

/** A refusal of the catalogue service, with its stable code. */
export class CatalogueError extends CodedError<CatalogueErrorCode> {
  override readonly name = 'CatalogueError';
}
