/** A list written as text, one item per whitespace-separated word: long name lists stay readable. */
export function words(text: string): readonly string[] {
  return text.split(/\s+/).filter(Boolean);
}
