import { z } from 'zod';
import type { MessageKey } from '../../i18n/index.js';
import { FileError } from '../../services/files/errors.js';
import type { PublicFileView } from '../../services/files/file-lookup.js';
import type { FileService } from '../../services/files/file-service.js';
import type { FieldMessages, FormFields, FormState } from './form-values.js';
import { fieldErrors } from './form-values.js';

/** A tracking number, and the applicant's phone number or birth date (may be empty for the status). */
const accessForm = z.object({
  numero: z.string().trim().min(1).max(40),
  secret: z.string().trim().max(40),
});

const ACCESS_MESSAGES: FieldMessages = { numero: 'tracking.err.number', secret: 'tracking.err.secret' };

/** What a file look-up form gave: the file, or the form to show again and its status. */
export type FileAccess =
  | {
      readonly ok: true;
      readonly view: PublicFileView;
      readonly fileId: string;
      readonly secretGiven: boolean;
    }
  | { readonly ok: false; readonly form: FormState; readonly status: number };

const FILE_ALERTS: Readonly<Record<string, MessageKey>> = {
  file_not_found: 'tracking.err.notFound',
  other_mission: 'tracking.err.otherMission',
};

/**
 * Looks up a file from a posted form, as the public API does: the status for anyone holding the
 * tracking number, the details only with the applicant's secret. `needsDetails` refuses a form
 * whose secret is missing or wrong (payment, survey): a wrong guess learns nothing more.
 */
export function accessFile(files: FileService, values: FormFields, needsDetails: boolean): FileAccess {
  const parsed = accessForm.safeParse({ numero: values.numero ?? '', secret: values.secret ?? '' });
  if (!parsed.success) return refused(values, { errors: fieldErrors(parsed.error, ACCESS_MESSAGES) }, 400);
  const { numero, secret } = parsed.data;
  if (needsDetails && secret === '')
    return refused(values, { errors: { secret: 'tracking.err.secret' } }, 400);
  try {
    const view = files.lookup(numero, secret === '' ? undefined : secret);
    if (needsDetails && !view.detailed) return refused(values, { alert: 'tracking.err.noMatch' }, 403);
    const fileId = files.findByTrackingNumber(view.trackingNumber)?.id ?? '';
    return { ok: true, view, fileId, secretGiven: secret !== '' };
  } catch (error) {
    if (!(error instanceof FileError)) throw error;
    if (error.code === 'invalid_tracking_number') {
      return refused(values, { errors: { numero: 'tracking.err.number' } }, 400);
    }
    if (error.code === 'lookup_locked') return refused(values, { alert: 'tracking.err.locked' }, 429);
    return refused(values, { alert: FILE_ALERTS[error.code] ?? 'tracking.err.notFound' }, 404);
  }
}

function refused(
  values: FormFields,
  state: { errors?: FormState['errors']; alert?: MessageKey },
  status: number,
): FileAccess {
  // The secret is never sent back into the page: the applicant types it again.
  const { secret: _secret, ...kept } = values;
  const form: FormState = {
    values: kept,
    errors: state.errors ?? {},
    ...(state.alert ? { alert: state.alert } : {}),
  };
  return { ok: false, form, status };
}
