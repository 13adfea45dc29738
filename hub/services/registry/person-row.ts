import type { RegistryPerson } from './national-registry.js';

/** The columns of a registry_persons row that make a person, as the built-in registry reads them. */
export interface PersonColumns {
  id: string;
  national_id: string;
  given_names: string;
  family_name: string;
  sex: 'F' | 'M' | 'X' | null;
  birth_date: string | null;
  birth_place: string | null;
  father_name: string | null;
  mother_name: string | null;
}

/** A registry person from its row, absent columns left out. */
export function toPerson(row: PersonColumns): RegistryPerson {
  return {
    id: row.id,
    nationalId: row.national_id,
    givenNames: row.given_names,
    familyName: row.family_name,
    ...(row.sex ? { sex: row.sex } : {}),
    ...(row.birth_date ? { birthDate: row.birth_date } : {}),
    ...(row.birth_place ? { birthPlace: row.birth_place } : {}),
    ...(row.father_name ? { fatherName: row.father_name } : {}),
    ...(row.mother_name ? { motherName: row.mother_name } : {}),
  };
}
