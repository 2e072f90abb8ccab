/**
 * How many `$n` parameters a normalized statement takes: the highest n that
 * appears as a parameter (pg_stat_statements numbers the constants it strips
 * $1, $2, … and a statement prepared by the app keeps its own $n). EXPLAIN
 * needs exactly that many values, one field each on the page.
 *
 * `$n` inside a string literal, a quoted identifier, a comment or a
 * dollar-quoted body is text, not a parameter: those are skipped. A
 * dollar-quote tag never starts with a digit, so `$1` outside them is always
 * a parameter. Pure: unit-tested in tests/unit/statements-parameters.test.ts.
 */
export function parameterCount(statement: string): number {
  let highest = 0;
  let index = 0;
  const length = statement.length;
  while (index < length) {
    const character = statement[index];
    const next = statement[index + 1];

    if (character === '-' && next === '-') {
      const end = statement.indexOf('\n', index + 2);
      index = end === -1 ? length : end + 1;
      continue;
    }
    if (character === '/' && next === '*') {
      index = skipBlockComment(statement, index + 2);
      continue;
    }
    if (character === "'") {
      const escapes = isEscapeStringPrefix(statement, index);
      index = skipQuoted(statement, index + 1, "'", escapes);
      continue;
    }
    if (character === '"') {
      index = skipQuoted(statement, index + 1, '"', false);
      continue;
    }
    if (character === '$') {
      const parameter = /^\$(\d+)/.exec(statement.slice(index, index + 12));
      if (parameter && !isIdentifierCharacter(statement[index - 1])) {
        highest = Math.max(highest, Number(parameter[1]));
        index += parameter[0].length;
        continue;
      }
      const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(statement.slice(index, index + 70));
      if (tag && !isIdentifierCharacter(statement[index - 1])) {
        const close = statement.indexOf(tag[0], index + tag[0].length);
        index = close === -1 ? length : close + tag[0].length;
        continue;
      }
    }
    index += 1;
  }
  return highest;
}

/** Block comments nest in Postgres. Returns the index after the closing `*\/` (or the end). */
function skipBlockComment(statement: string, from: number): number {
  let depth = 1;
  let index = from;
  while (index < statement.length && depth > 0) {
    if (statement[index] === '/' && statement[index + 1] === '*') {
      depth += 1;
      index += 2;
    } else if (statement[index] === '*' && statement[index + 1] === '/') {
      depth -= 1;
      index += 2;
    } else {
      index += 1;
    }
  }
  return index;
}

/** A quote doubled inside the literal is the quote itself; with escapes (E'…'), a backslash escapes the next character. */
function skipQuoted(statement: string, from: number, quote: string, escapes: boolean): number {
  let index = from;
  while (index < statement.length) {
    const character = statement[index];
    if (escapes && character === '\\') {
      index += 2;
      continue;
    }
    if (character === quote) {
      if (statement[index + 1] === quote) {
        index += 2;
        continue;
      }
      return index + 1;
    }
    index += 1;
  }
  return index;
}

/** E'…' (or e'…') as a token of its own, not the end of an identifier such as `name'`. */
function isEscapeStringPrefix(statement: string, quoteIndex: number): boolean {
  const prefix = statement[quoteIndex - 1];
  return (prefix === 'E' || prefix === 'e') && !isIdentifierCharacter(statement[quoteIndex - 2]);
}

function isIdentifierCharacter(character: string | undefined): boolean {
  return character !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(character);
}
