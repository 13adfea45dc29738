import { errorCatalogue } from '../../common/http/wire-error.js';
import { appointmentErrorStatus } from '../services/appointments/errors.js';
import { catalogueErrorStatus } from '../services/catalogue/errors.js';
import { CIVIL_STATUS_ERROR_STATUS } from '../services/civil-status/errors.js';
import { FILE_ERROR_STATUS } from '../services/files/errors.js';
import { SMS_ERROR_STATUS } from '../services/outbox/sms-errors.js';
import { PAYMENT_ERROR_STATUS } from '../services/payments/errors.js';
import { REGISTRATION_ERROR_STATUS } from '../services/registrations/errors.js';
import { ROLL_CALL_ERROR_STATUS } from '../services/roll-calls/errors.js';
import { STAFF_ERROR_STATUS } from '../services/staff/index.js';
import { VISA_ERROR_STATUS } from '../services/visas/errors.js';
import { PUBLIC_ERROR_STATUS } from './api/public/error-statuses.js';
import { apiErrors } from './api-errors.js';
import { STAFF_HTTP_STATUS } from './staff/staff-http-errors.js';

/**
 * Every code the node's HTTP layer answers with, and its status: the API's own codes and each
 * area's errors.ts, joined once (a code two areas share means the same everywhere, or the node
 * does not start). A domain error carries its `code`; the error handler finds its status here.
 */
export const NODE_ERROR_CATALOGUE: ReadonlyMap<string, number> = errorCatalogue({
  api: apiErrors,
  appointments: appointmentErrorStatus,
  catalogue: catalogueErrorStatus,
  'civil status': CIVIL_STATUS_ERROR_STATUS,
  files: FILE_ERROR_STATUS,
  payments: PAYMENT_ERROR_STATUS,
  registrations: REGISTRATION_ERROR_STATUS,
  'roll-calls': ROLL_CALL_ERROR_STATUS,
  sms: SMS_ERROR_STATUS,
  staff: STAFF_ERROR_STATUS,
  'staff http': STAFF_HTTP_STATUS,
  'public api': PUBLIC_ERROR_STATUS,
  visas: VISA_ERROR_STATUS,
});
