/** A template literal found in a source file: its fixed text and the expressions it interpolates. */
export interface SourceTemplate {
  readonly line: number;
  readonly text: string;
  readonly expressions: readonly string[];
}

/**
 * The template literals of a TypeScript source, found by a scanner that knows just enough of the
 * language to skip comments and quoted strings and to follow nested `${ … }`. Not a parser: a
 * backquote inside a regular expression literal would mislead it (our sources have none; the test
 * that uses it checks that it finds what it must).
 */
export function templateLiterals(source: string): SourceTemplate[] {
  const found: SourceTemplate[] = [];
  let i = 0;
  const lineAt = (offset: number) => source.slice(0, offset).split('\n').length;

  // Reads a template starting at the backquote at `start`; returns the offset after its end.
  const readTemplate = (start: number): number => {
    let j = start + 1;
    let text = '';
    const expressions: string[] = [];
    while (j < source.length && source[j] !== '`') {
      if (source[j] === '\\') {
        text += source.slice(j, j + 2);
        j += 2;
      } else if (source[j] === '$' && source[j + 1] === '{') {
        const end = skipExpression(j + 2);
        expressions.push(source.slice(j + 2, end - 1).trim());
        j = end;
      } else {
        text += source[j];
        j++;
      }
    }
    found.push({ line: lineAt(start), text, expressions });
    return j + 1;
  };

  // Skips an interpolated expression (braces balanced, nested strings and templates included).
  const skipExpression = (from: number): number => {
    let depth = 1;
    let j = from;
    while (j < source.length && depth > 0) {
      const c = source[j];
      if (c === '`') j = readTemplate(j);
      else if (c === "'" || c === '"') j = skipQuoted(j);
      else {
        if (c === '{') depth++;
        else if (c === '}') depth--;
        j++;
      }
    }
    return j;
  };

  const skipQuoted = (start: number): number => {
    const quote = source[start];
    let j = start + 1;
    while (j < source.length && source[j] !== quote && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
    return j + 1;
  };

  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/')
      i = source.indexOf('\n', i) === -1 ? source.length : source.indexOf('\n', i);
    else if (c === '/' && next === '*') i = source.indexOf('*/', i + 2) + 2;
    else if (c === "'" || c === '"') i = skipQuoted(i);
    else if (c === '`') i = readTemplate(i);
    else i++;
  }
  return found;
}
