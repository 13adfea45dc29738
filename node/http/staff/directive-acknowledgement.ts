import type { StaffHttpDeps } from './staff-deps.js';
import { StaffHttpError, StaffHttpErrorCode } from './staff-http-errors.js';

/**
 * Acknowledges a directive in the consul's name, or throws the refusal. Shared by the API and the
 * back-office form, so both give the same answers.
 */
export function acknowledge(deps: StaffHttpDeps, directiveId: string, by: string, comment?: string): void {
  const outcome = deps.domain.directives.acknowledge({ directiveId, by, ...(comment ? { comment } : {}) });
  if (outcome === 'not_found')
    throw new StaffHttpError(StaffHttpErrorCode.DirectiveNotFound, 'no such directive');
  if (outcome === 'already_acknowledged')
    throw new StaffHttpError(
      StaffHttpErrorCode.AlreadyAcknowledged,
      'this directive was acknowledged already',
    );
}
