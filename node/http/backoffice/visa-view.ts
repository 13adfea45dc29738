import type { RefusalReason, VisaApplication, VisaState } from '../../services/visas/visa-schema.js';

/** The states as the back office names them. */
export const VISA_STATE_LABELS: Readonly<Record<VisaState, string>> = {
  submitted: 'Déposée',
  more_info_requested: 'Complément demandé',
  prepared: 'Instruite (au consul)',
  granted: 'Accordée',
  refused: 'Refusée',
  issued: 'Délivrée',
};

/** The refusal reasons of the list, in French. */
export const REFUSAL_LABELS: Readonly<Record<RefusalReason, string>> = {
  false_document: 'Document de voyage faux ou falsifié',
  purpose_not_justified: 'Objet et conditions du séjour non justifiés',
  insufficient_means: 'Moyens de subsistance insuffisants',
  no_travel_insurance: 'Pas d’assurance voyage',
  security_risk: 'Menace pour l’ordre public ou la sécurité',
  previous_overstay: 'Séjour irrégulier antérieur',
  identity_not_established: 'Identité non établie',
  incomplete_file: 'Dossier incomplet malgré la demande de complément',
};

/** What a refused step says to the agent, by code. */
export const VISA_MESSAGES: Readonly<Record<string, string>> = {
  visa_wrong_state: 'Cette étape n’est pas possible dans l’état actuel de la demande. Rechargez la page.',
  visa_not_found: 'Demande introuvable.',
  visa_no_signer:
    'La mission n’a pas de clé de signature des visas : faites « econsulat node visa-signer request » puis « import ».',
  visa_invalid_application: 'Les informations saisies sont incomplètes ou invalides.',
};

/** One application as the pages show it. */
export function visaRow(application: VisaApplication) {
  return {
    ...application,
    kindLabel: application.kind === 'visa' ? 'Visa' : 'Laissez-passer',
    stateLabel: VISA_STATE_LABELS[application.state],
    refusalLabel: application.refusalReason ? REFUSAL_LABELS[application.refusalReason] : null,
    name: `${application.familyName.toUpperCase()} ${application.givenNames}`.trim(),
  };
}
