import type { submissionDetail } from '../../services/registry/review-queue.js';

type Detail = NonNullable<Awaited<ReturnType<typeof submissionDetail>>>;

/** The person fields compared side by side, in the order officers read them. */
const FIELDS = [
  ['nationalId', 'N° national'],
  ['familyName', 'Nom'],
  ['givenNames', 'Prénoms'],
  ['sex', 'Sexe'],
  ['birthDate', 'Date de naissance'],
  ['birthPlace', 'Lieu de naissance'],
  ['fatherName', 'Père'],
  ['motherName', 'Mère'],
] as const;

const KIND_LABEL: Readonly<Record<string, string>> = {
  registration: 'Immatriculation',
  birth: 'Naissance',
  marriage: 'Mariage',
  death: 'Décès',
};

const STATUS_LABEL: Readonly<Record<string, string>> = {
  pending: 'en attente des règles',
  review: 'à examiner',
  match: 'rattachée',
  new: 'nouvelle personne',
  rejected: 'rejetée',
};

const ACTION_LABEL: Readonly<Record<string, string>> = {
  match: 'rattachement',
  new: 'nouvelle personne',
  reject: 'rejet',
  keep: 'gardé en examen',
};

/**
 * What the submission page shows: one column for the submitted person and one per registry person
 * weighed against it (score and reasons on top), one row per field, so differences read across.
 */
export function registrySubmissionView(detail: Detail) {
  const { submission } = detail;
  const submitted = submission.person as Readonly<Record<string, string | undefined>>;
  const columns = detail.candidates.map((candidate) => ({
    registryId: candidate.registryId,
    score: `${Math.round(candidate.score * 100)} %`,
    reasons: candidate.reasons.join(', '),
    values: candidate.person as unknown as Readonly<Record<string, string | undefined>>,
  }));
  return {
    submission: {
      id: submission.submissionId,
      missionId: submission.missionId,
      kind: KIND_LABEL[submission.kind] ?? submission.kind,
      recordId: submission.recordId,
      origin: submission.origin === 'import' ? 'registre importé' : 'transmis par la mission',
      receivedAt: submission.receivedAt.slice(0, 16).replace('T', ' '),
      status: STATUS_LABEL[submission.status] ?? submission.status,
      event: [submission.eventDate, submission.eventPlace].filter(Boolean).join(', '),
    },
    candidates: columns,
    rows: FIELDS.map(([key, label]) => ({
      label,
      submitted: submitted[key] ?? '—',
      candidates: columns.map((column) => {
        const value = column.values[key];
        return { value: value ?? '—', differs: value !== undefined && value !== submitted[key] };
      }),
    })),
    duplicates: detail.duplicates.map((link) => ({
      id: link.otherSubmissionId,
      missionId: link.submission.missionId,
      names: `${link.submission.person.familyName} ${link.submission.person.givenNames}`,
      status: STATUS_LABEL[link.submission.status] ?? link.submission.status,
      reasons: link.reasons.join(', '),
    })),
    officers: detail.officers.map((action) => ({
      at: action.at.slice(0, 16).replace('T', ' '),
      officer: action.officer,
      action: ACTION_LABEL[action.action] ?? action.action,
      note: action.note ?? '',
    })),
    decisions: detail.decisions.map((decision) => ({
      decision: STATUS_LABEL[decision.decision] ?? decision.decision,
      by: decision.decidedBy === 'rule' ? 'règles' : decision.decidedBy.replace(/^officer:/, ''),
      at: decision.decidedAt.slice(0, 16).replace('T', ' '),
      score: `${Math.round(decision.score * 100)} %`,
      reasons: decision.reasons.join(', '),
      note: decision.note ?? '',
    })),
  };
}
