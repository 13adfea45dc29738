/** Places of birth: the prefectures and towns of the Central African Republic, and cities abroad. */
import type { Random } from './random.js';
import { words } from './words.js';

// Bangui first: by far the commonest place of birth in any register.
const CENTRAL_AFRICAN = [
  ...words(`
    Bangui Bimbo Berbérati Bambari Bouar Bossangoa Bria Bangassou Carnot Sibut Mbaïki Nola Bozoum Paoua
    Obo Ndélé Birao Zémio Mobaye Kembé Damara Boali Bossembélé Yaloké Dékoa Grimari Ippy Alindao Kouango
    Bocaranga Baboua Boda Gamboula Batangafo Kabo Markounda Ouango Rafaï Djéma Ouadda Bambio Bayanga
  `),
  'Kaga-Bandoro',
  'Sam Ouandja',
  'Bouca',
];

const ABROAD = words(`
  Paris Lyon Marseille Bordeaux Toulouse Yaoundé Douala Kinshasa Brazzaville Ndjamena Bruxelles Dakar
  Abidjan Libreville Khartoum Bamako Lomé Cotonou
`);

export function centralAfricanPlace(random: Random): string {
  return random.chance(0.35) ? 'Bangui' : random.pickSkewed(CENTRAL_AFRICAN, 0.8);
}

export function placeAbroad(random: Random): string {
  return random.pickSkewed(ABROAD, 0.5);
}
