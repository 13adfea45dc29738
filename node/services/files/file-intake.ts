import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { requireActiveService } from '../catalogue/catalogue.js';
import type { PeopleRepository } from '../people/people-repository.js';
import type { PersonInput } from '../people/person-schema.js';
import type { ConsularFile, Lang, OpenFileInput } from './file-schema.js';

/** A file submitted online by a new applicant. */
export interface OnlineFileInput {
  readonly applicant: PersonInput;
  readonly serviceCode: string;
  readonly lang: Lang;
  readonly note?: string;
}

/** What an agent gives to open a file at the counter: a known person, or a new one's fields. */
export interface CounterFileInput {
  readonly personId?: string;
  readonly person?: PersonInput;
  readonly serviceCode: string;
  readonly lang?: Lang;
  readonly note?: string;
}

/** What opening a file with its applicant needs. */
export interface FileIntakeContext {
  readonly store: Store;
  readonly people: PeopleRepository;
  /** Opens a file for a known person (the files service's own `open`). */
  readonly open: (input: OpenFileInput, actor: string) => ConsularFile;
}

/**
 * A file submitted online: the applicant is created (by `actor`, the channel) and the file opened
 * in the applicant's own name. The person and the file are one submission: both or neither.
 */
export function openOnline(ctx: FileIntakeContext, input: OnlineFileInput, actor: string): ConsularFile {
  requireActiveService(ctx.store, input.serviceCode);
  return immediateTransaction(ctx.store.db, () => {
    const person = ctx.people.create(input.applicant, actor);
    const file = {
      personId: person.id,
      serviceCode: input.serviceCode,
      channel: 'online',
      lang: input.lang,
    } as const;
    return ctx.open(
      input.note === undefined ? file : { ...file, note: input.note },
      `applicant:${person.id}`,
    );
  });
}

/**
 * A file opened at the counter, the applicant created first when new: both in one transaction, so
 * a refused file leaves no orphan person behind.
 */
export function openAtCounter(ctx: FileIntakeContext, input: CounterFileInput, actor: string): ConsularFile {
  requireActiveService(ctx.store, input.serviceCode);
  return immediateTransaction(ctx.store.db, () => {
    const personId = input.personId ?? ctx.people.create(input.person as PersonInput, actor).id;
    return ctx.open(
      {
        personId,
        serviceCode: input.serviceCode,
        channel: 'counter',
        lang: input.lang ?? 'fr',
        ...(input.note === undefined ? {} : { note: input.note }),
      },
      actor,
    );
  });
}
