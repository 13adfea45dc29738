/** French names, for the French-born and the many Central Africans who bear French given names. */
import type { Sex } from './names-central-african.js';
import type { Random } from './random.js';
import { words } from './words.js';

const FAMILY = words(`
  Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel
  Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier Dupont Lambert Bonnet François
  Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu
  Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sanchez Gérard Boyer Denis Lemaire
  Duval Joly Gautier Roger Roche Roy Noël Meyer Lucas Meunier Pérez Marchand Dufour Blanchard Barbier
  Brun Dumas Brunet Schmitt Leroux Colin Renard Arnaud Rolland Caron Aubert Giraud Leclerc Vidal
  Bourgeois Renaud Lemoine Picard Gaillard Lacroix Fabre Dupuis Olivier Hubert Guillot Rivière
  Guillaume Adam Rey Moulin Berger Lecomte Ménard Fleury Deschamps Carpentier Julien Benoît Maillard
  Marchal Aubry Vasseur Renault Jacquet Collet Prévost Poirier Charpentier Royer Huet Baron Dupuy Pons
  Carré Breton Rémy Schneider Perrot Guyot Barré Marty Cousin
`);
// Family names of two words, as French registers hold them.
const COMPOUND = ['Le Gall', 'Da Silva', 'Le Roux', 'De La Croix', 'Saint-Martin', 'Du Pont'];

const MALE = words(`
  Jean Pierre Michel André Philippe Alain Jacques Bernard Claude François Nicolas Christophe Stéphane
  Laurent Frédéric Éric Julien Sébastien Thomas Olivier Antoine Guillaume Maxime Hugo Lucas Louis Théo
  Nathan Mathieu Benoît Yves Didier Gérard Roger Henri Marcel
`);
const FEMALE = words(`
  Marie Nathalie Isabelle Sylvie Catherine Françoise Valérie Christine Monique Sophie Sandrine Céline
  Julie Aurélie Émilie Camille Léa Manon Chloé Inès Sarah Anne Hélène Élodie Mathilde Claire Juliette
  Margaux Agnès Brigitte Danielle Geneviève Jeanne Jacqueline Odile Pascale Véronique Noémie Zoé
`);

export function frenchFamilyName(random: Random): string {
  return random.chance(0.04) ? random.pick(COMPOUND) : random.pickSkewed(FAMILY, 0.8);
}

export function frenchGivenName(random: Random, sex: Sex): string {
  return random.pickSkewed(sex === 'M' ? MALE : FEMALE, 0.8);
}
