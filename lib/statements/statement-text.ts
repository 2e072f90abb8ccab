/**
 * What the console needs to know about a statement's text before it asks a
 * node to EXPLAIN it (pure, no I/O): is it exactly one command, how many `$n`
 * parameters it takes, and would running it write.
 *
 * A small lexer after Postgres' own (scan.l): single-quoted strings (with ''
 * and, in E'' strings, backslash escapes), quoted identifiers, dollar quotes
 * ($$…$$, $tag$…$tag$), `--` and nested `/* *\/` comments. Text inside any of
 * them is never a semicolon, a parameter or a keyword. Strings are read as
 * with standard_conforming_strings = on (Postgres' default since 9.1): a
 * backslash escapes only in E'' strings.
 *
 * The write check is one layer of several (the EXPLAIN also runs in a
 * READ ONLY transaction that always rolls back, as a role that can write
 * nothing): it exists to refuse obvious writes with a clear message, and errs
 * towards calling a statement writing. A statement it passes may still try to
 * write (a function with side effects); the read-only transaction stops that.
 */

export type StatementTokenKind = 'word' | 'quoted_identifier' | 'string' | 'parameter' | 'number' | 'punctuation' | 'operator';

export interface StatementToken {
  kind: StatementTokenKind;
  /** Words lowercased; parameters as written (`$2`); strings and quoted identifiers as written, quotes included. */
  text: string;
  /** Offset of the token's first character in the text. */
  start: number;
  end: number;
}

export class StatementTextError extends Error {
  constructor(
    readonly problem: 'empty' | 'multiple_statements' | 'unterminated',
    message: string,
  ) {
    super(message);
    this.name = 'StatementTextError';
  }
}

export interface StatementText {
  /** The statement without trailing semicolons (and whatever comments follow them): ready to follow `EXPLAIN (…)`. */
  statement: string;
  /** The highest `$n` in the text: how many values the statement takes (Postgres counts the same way). */
  parameterCount: number;
  /** First keyword (`select`, `with`, `update`…), lowercased; null when the text does not start with a word. */
  leadingKeyword: string | null;
  /** Why running the statement would write, in the operator's words ("UPDATE", "WITH … DELETE", "SELECT … FOR UPDATE"); null when it only reads. */
  writes: string | null;
}

const WHITESPACE = /[ \t\n\r\f\v]/;
const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_CONT = /[A-Za-z0-9_$\u0080-\uffff]/;
const DIGIT = /[0-9]/;
const OPERATOR_CHAR = /[+\-*/<>=~!@#%^&|`?]/;
const PUNCTUATION = new Set(['(', ')', '[', ']', ',', ';', ':', '.']);

function unterminated(what: string, at: number): StatementTextError {
  return new StatementTextError('unterminated', `unterminated ${what} starting at character ${at + 1}`);
}

/** End offset (exclusive) of a single-quoted string opening at `quote`; backslash escapes only in E'' strings. */
function endOfString(text: string, quote: number, backslashEscapes: boolean): number {
  let index = quote + 1;
  while (index < text.length) {
    const char = text[index];
    if (backslashEscapes && char === '\\') {
      index += 2;
      continue;
    }
    if (char === "'") {
      if (text[index + 1] === "'") {
        index += 2;
        continue;
      }
      return index + 1;
    }
    index += 1;
  }
  throw unterminated('quoted string', quote);
}

function endOfQuotedIdentifier(text: string, quote: number): number {
  let index = quote + 1;
  while (index < text.length) {
    if (text[index] === '"') {
      if (text[index + 1] === '"') {
        index += 2;
        continue;
      }
      return index + 1;
    }
    index += 1;
  }
  throw unterminated('quoted identifier', quote);
}

function endOfBlockComment(text: string, open: number): number {
  let depth = 0;
  let index = open;
  while (index < text.length) {
    if (text.startsWith('/*', index)) {
      depth += 1;
      index += 2;
    } else if (text.startsWith('*/', index)) {
      depth -= 1;
      index += 2;
      if (depth === 0) return index;
    } else {
      index += 1;
    }
  }
  throw unterminated('comment', open);
}

/** `$tag$` at `dollar` (tag empty or an identifier without `$`), or null when it is not a dollar-quote opener. */
function dollarQuoteTag(text: string, dollar: number): string | null {
  const match = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(dollar, dollar + 130));
  return match ? match[0] : null;
}

/**
 * The tokens of a text (comments and whitespace dropped). Throws
 * StatementTextError for an unterminated string, quoted identifier, dollar
 * quote or comment.
 */
export function tokenizeStatement(text: string): StatementToken[] {
  const tokens: StatementToken[] = [];
  const push = (kind: StatementTokenKind, start: number, end: number, tokenText = text.slice(start, end)) => {
    tokens.push({ kind, text: tokenText, start, end });
  };
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    const next = text[index + 1];
    if (WHITESPACE.test(char)) {
      index += 1;
    } else if (char === '-' && next === '-') {
      const newline = text.indexOf('\n', index);
      index = newline === -1 ? text.length : newline + 1;
    } else if (char === '/' && next === '*') {
      index = endOfBlockComment(text, index);
    } else if (char === "'") {
      const end = endOfString(text, index, false);
      push('string', index, end);
      index = end;
    } else if (char === '"') {
      const end = endOfQuotedIdentifier(text, index);
      push('quoted_identifier', index, end);
      index = end;
    } else if (char === '$') {
      const parameter = /^\$[0-9]+/.exec(text.slice(index, index + 12));
      const tag = parameter ? null : dollarQuoteTag(text, index);
      if (parameter) {
        push('parameter', index, index + parameter[0].length);
        index += parameter[0].length;
      } else if (tag) {
        const close = text.indexOf(tag, index + tag.length);
        if (close === -1) throw unterminated('dollar-quoted string', index);
        push('string', index, close + tag.length);
        index = close + tag.length;
      } else {
        push('operator', index, index + 1);
        index += 1;
      }
    } else if (IDENT_START.test(char)) {
      let end = index + 1;
      while (end < text.length && IDENT_CONT.test(text[end])) end += 1;
      const word = text.slice(index, end).toLowerCase();
      // E'…' escape strings, B'…' / X'…' bit strings, N'…' national strings, U&'…' / U&"…" Unicode escapes.
      if (text[end] === "'" && ['e', 'b', 'x', 'n'].includes(word)) {
        const stringEnd = endOfString(text, end, word === 'e');
        push('string', index, stringEnd);
        index = stringEnd;
      } else if (word === 'u' && text[end] === '&' && (text[end + 1] === "'" || text[end + 1] === '"')) {
        const quotedEnd = text[end + 1] === "'" ? endOfString(text, end + 1, false) : endOfQuotedIdentifier(text, end + 1);
        push(text[end + 1] === "'" ? 'string' : 'quoted_identifier', index, quotedEnd);
        index = quotedEnd;
      } else {
        push('word', index, end, word);
        index = end;
      }
    } else if (DIGIT.test(char) || (char === '.' && DIGIT.test(next ?? ''))) {
      const number = /^(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(index))!;
      const end = index + Math.max(1, number[0].length);
      push('number', index, end);
      index = end;
    } else if (PUNCTUATION.has(char)) {
      push('punctuation', index, index + 1);
      index += 1;
    } else if (OPERATOR_CHAR.test(char)) {
      // An operator never contains `--` or `/*`: those start a comment.
      let end = index + 1;
      while (end < text.length && OPERATOR_CHAR.test(text[end]) && !text.startsWith('--', end) && !text.startsWith('/*', end)) end += 1;
      push('operator', index, end);
      index = end;
    } else {
      push('operator', index, index + 1);
      index += 1;
    }
  }
  return tokens;
}

/** The highest `$n` among the tokens (0 when none). */
function highestParameter(tokens: StatementToken[]): number {
  return tokens.reduce((highest, token) => (token.kind === 'parameter' ? Math.max(highest, Number(token.text.slice(1))) : highest), 0);
}

/**
 * How many `$n` parameters a statement takes (its highest `$n`), for the
 * EXPLAIN form's fields. Best effort on text that does not lex (an
 * unterminated quote): 0.
 */
export function countParameters(text: string): number {
  try {
    return highestParameter(tokenizeStatement(text));
  } catch (error) {
    if (error instanceof StatementTextError) return 0;
    throw error;
  }
}

/** Statements that only read, as far as their text shows. Anything else (DML, DDL, utility commands) is treated as writing. */
const READING_LEADERS = new Set(['select', 'values', 'table', 'with']);
/** Data-modifying commands: inside a WITH they make it a writing statement. */
const DATA_MODIFYING = new Set(['insert', 'update', 'delete', 'merge']);
/** Sequence functions that write even from a SELECT. */
const WRITING_FUNCTIONS = new Set(['nextval', 'setval']);

function isWord(token: StatementToken | undefined, ...words: string[]): boolean {
  return token?.kind === 'word' && words.includes(token.text);
}

/** Why the statement would write, or null when its text only reads. Errs towards "writes". */
function writeReason(tokens: StatementToken[]): string | null {
  const leader = tokens.find((token) => !(token.kind === 'punctuation' && token.text === '('));
  if (!leader || leader.kind !== 'word') return 'not a query';
  if (!READING_LEADERS.has(leader.text)) return leader.text.toUpperCase();
  const shown = leader.text.toUpperCase();
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token.kind !== 'word') continue;
    const next = tokens[index + 1];
    // Also schema-qualified: pg_catalog.nextval(…).
    if (WRITING_FUNCTIONS.has(token.text) && next?.kind === 'punctuation' && next.text === '(') return `${token.text}()`;
    const previous = tokens[index - 1];
    // `t.update` is a column, `as delete` a label: neither is a command.
    if (previous && ((previous.kind === 'punctuation' && previous.text === '.') || isWord(previous, 'as'))) continue;
    if (token.text === 'for' && (isWord(next, 'update', 'share') || (isWord(next, 'no', 'key') && isWord(tokens[index + 2], 'key', 'update', 'share')))) {
      const clause = tokens
        .slice(index + 1, index + 4)
        .filter((word) => word.kind === 'word')
        .map((word) => word.text.toUpperCase());
      const end = clause.findIndex((word) => word === 'UPDATE' || word === 'SHARE');
      return `${shown} … FOR ${clause.slice(0, end + 1).join(' ')}`;
    }
    if (DATA_MODIFYING.has(token.text)) return `${shown} … ${token.text.toUpperCase()}`;
    // INTO is reserved: outside INSERT/MERGE (already caught) it is SELECT INTO, which creates a table.
    if (token.text === 'into') return `${shown} INTO`;
  }
  return null;
}

/**
 * Checks a statement's text: exactly one command (a trailing semicolon is
 * fine; anything after it but comments is a second command), and derives its
 * parameter count and whether it writes. Throws StatementTextError when the
 * text is empty, holds a second command, or has an unterminated quote or
 * comment.
 */
export function parseStatementText(text: string): StatementText {
  const tokens = tokenizeStatement(text);
  const firstSemicolon = tokens.findIndex((token) => token.kind === 'punctuation' && token.text === ';');
  const body = firstSemicolon === -1 ? tokens : tokens.slice(0, firstSemicolon);
  const rest = firstSemicolon === -1 ? [] : tokens.slice(firstSemicolon);
  if (body.length === 0) throw new StatementTextError('empty', 'no statement to explain');
  if (rest.some((token) => !(token.kind === 'punctuation' && token.text === ';'))) {
    throw new StatementTextError('multiple_statements', 'only one statement can be explained: remove everything after the first semicolon');
  }
  const leader = body.find((token) => !(token.kind === 'punctuation' && token.text === '('));
  return {
    statement: firstSemicolon === -1 ? text : text.slice(0, tokens[firstSemicolon].start).trimEnd(),
    parameterCount: highestParameter(body),
    leadingKeyword: leader?.kind === 'word' ? leader.text : null,
    writes: writeReason(body),
  };
}
