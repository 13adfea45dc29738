/**
 * Central African names for synthetic registers: family names by language group, composed from
 * each group's usual syllables as well as taken from lists, and given names as borne in RCA —
 * Christian (mostly French forms), Muslim (Arabic forms as written in Chad and the north-east),
 * and Sango names (often built on Nzapa, "God").
 */
import type { Random } from './random.js';
import { words } from './words.js';

/** Family names heard in each group (many are also borne across groups). */
export const FAMILY_NAMES: Readonly<Record<string, readonly string[]>> = {
  sango: words(`Ngakola Yangongo Kossi Zanga Sélé Nzapalainga Yakété Kété Ngaïkosset Bangué`),
  banda: words(`
    Ndoumba Ngouandji Mandaba Ngoupandé Kazangba Ngrébada Mbrendo Kalangba Ndakala Ngbokoli Yangassa
    Ngouandika Gbangba Mbolikidolo Kotto Ouamba Sarandji Zoumaldé
  `),
  gbaya: words(`
    Bozizé Doko Gbazanga Zoumandé Yaliki Béninga Sanzé Gbéya Bouba Yandoka Gazam Ndouba Zikélé Doui
    Sembé Wanzet
  `),
  yakoma: words(`Kolingba Gbazoumbé Kongbo Ngbongo Mobaye Zinga Kpanou Gbaguili Yakoli Démafouth`),
  zande: words(`Kpiogbo Gbudwe Ngilima Zemio Rafaï Bangassou Kindo Mbio Ngbasi Kpenou`),
  sara: words(`
    Ngarta Ngarmadji Dingamadji Djimadoum Mbaïdoum Nodjitoloum Mbaïkoua Ngarbaye Béadjim Mbaïlao
    Rimadjita Ngaryo
  `),
  ngbaka: words(`Dologuélé Tiangaye Ziguélé Goumba Kette Dacko Bokassa Patassé Touadéra Maïdou`),
  muslim: words(`
    Mahamat Abakar Adoum Haroun Issa Ousman Zakaria Djotodia Moussa Hassan Abdelkerim Youssouf Saleh
    Nouradine Hissène Garba Bachar Kaya
  `),
};

// Syllables each group's names are commonly built from (first | middle | last), to give a register
// thousands of family names.
const syllables = (text: string) => text.split('|').map(words);
const SYLLABLES: Readonly<Record<string, readonly (readonly string[])[]>> = {
  sango: syllables(`Nga Ko Yaka Ze Wa Se Nza Ba | ngo li ka ssa nda zi lé ra | ba ko ngo lé ya ndji ssé`),
  banda: syllables(
    `Nda Ngou Yan Kan Gbo Mbri Ngré Ou Ka | nga mba ko nda lé ssa ba | ndji la ngba do ka mbé gou`,
  ),
  gbaya: syllables(`Do Zou Bé Ga Sé Yé Bou Ndo Wa | ma ko za li nga ba | ndé nam goua ya ssa nga mbi`),
  yakoma: syllables(`Ko Gba Ngbo Yako Zi Kpa Mo Se | lin zou ngo ba le ko | gba mbé ngo ye li ndo`),
  zande: syllables(`Kpi Gbu Ngi Ba Ma Zé Ra Ki | o li nga ssi ma ndi | gbo dwe mio ma ssou ko re`),
  sara: syllables(
    `Ngar Djim Mbaï Nodji Ding Béa Rim Ngon | a ma to ba dji | dji doum taye loum ngar ssal ye`,
  ),
};

const GIVEN_MALE = words(`
  Jean Pierre Paul Joseph Emmanuel Faustin Archange Honoré Anicet Georges Firmin Martin Thierry
  Rodrigue Prosper Clément Gervais Fidèle Désiré Évariste Barthélemy Flavien Gilbert Innocent
  Dieudonné Apollinaire Célestin Sylvain Aristide Léon André Michel Jacques Patrice Serge Hervé Landry
  Ghislain Blaise Ange Nestor Cyriaque Abel Samuel David Daniel Moïse Élie Josué Crépin Marcellin
  Wilfried Brice Romaric Bienvenu Parfait Judicaël Symphorien Timoléon Régis Lambert Rigobert
`);
const GIVEN_FEMALE = words(`
  Marie Catherine Sylvie Brigitte Nadège Béatrice Léonie Joséphine Bernadette Thérèse Albertine
  Hortense Prisca Grâce Espérance Clarisse Judith Rachel Ruth Esther Sarah Rebecca Élisabeth Charlotte
  Mathilde Véronique Pascaline Odette Gisèle Virginie Solange Henriette Huguette Micheline Antoinette
  Rosalie Bénédicte Perpétue Chancelle Divine Merveille Fortunée Natacha Laure Berthe Irène Agathe
  Colette
`);
const MUSLIM_MALE = words(`
  Mahamat Abdoulaye Ousmane Moussa Ibrahim Adoum Haroun Ali Hassan Issa Abakar Idriss Youssouf Saleh
  Oumar Zakaria Mahamadou Nouradine Hissène Djibril Ahmat Abdelkader Souleymane Aboubakar Amadou Yaya
  Moustapha Ismaël
`);
const MUSLIM_FEMALE = words(`
  Fatimé Khadidja Zénabou Aïcha Hawa Mariam Achta Halimé Amina Hadjé Ramatou Salamatou Awa Zara
  Kaltouma Asta Hadiza Fanta Nafissa Mouna
`);
const SANGO_GIVEN = words(`Nzapayéké Nzapamo Nzapalé Yékénzapa Ngozo Kota Wali Sêndo Gbandi Yéssé Mbi Zokoé`);

export type Sex = 'F' | 'M';

/** A family name from one group: from its list a little more often than composed. */
export function centralAfricanFamilyName(random: Random, group: string): string {
  const listed = FAMILY_NAMES[group] ?? FAMILY_NAMES.sango!;
  const syllables = SYLLABLES[group];
  if (!syllables || random.chance(0.45)) return random.pickSkewed(listed);
  return syllables.map((choices) => random.pickSkewed(choices, 0.6)).join('');
}

/** One given name: Christian, Muslim or Sango, by the family's faith. */
export function centralAfricanGivenName(random: Random, sex: Sex, muslim: boolean): string {
  if (muslim) return random.pickSkewed(sex === 'M' ? MUSLIM_MALE : MUSLIM_FEMALE);
  if (random.chance(0.08)) return random.pick(SANGO_GIVEN);
  return random.pickSkewed(sex === 'M' ? GIVEN_MALE : GIVEN_FEMALE);
}

export const CENTRAL_AFRICAN_GROUPS = Object.keys(FAMILY_NAMES);
