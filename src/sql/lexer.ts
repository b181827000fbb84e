/**
 * The SQL lexer: PostgreSQL's scan.l rules, hand-written, plus a psql-style script splitter.
 *
 * Why hand-written: the error texts and positions must be PostgreSQL's own (`unterminated quoted string at or
 * near "'abc"`, 1-based character positions), and operators such as `=%` must be lexed by PostgreSQL's operator
 * rules (the longest run of operator characters, trailing `+`/`-` trimmed unless the run holds a non-SQL operator
 * character), which no general-purpose tokenizer reproduces.
 *
 * The lexer is lazy (the parser pulls tokens one at a time), so, as in PostgreSQL, a syntax error in an earlier
 * statement is reported before a lexical error further on.
 */
import { KmerSearchError, SqlState } from '../errors.js';

// ---------------------------------------------------------------------------------------------------------------
// Keywords
// ---------------------------------------------------------------------------------------------------------------

/**
 * PostgreSQL's keyword categories (kwlist.h, version 16). Only three matter to the grammar: reserved keywords can
 * never be identifiers; type/function-name keywords can name types and functions but not columns or tables;
 * column-name keywords can name columns and tables but not functions or types. All other words, including
 * PostgreSQL's unreserved keywords, behave as plain identifiers.
 */
export const reservedKeywords: ReadonlySet<string> = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast', 'check',
  'collate', 'column', 'constraint', 'create', 'current_catalog', 'current_date', 'current_role', 'current_time',
  'current_timestamp', 'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except',
  'false', 'fetch', 'for', 'foreign', 'from', 'grant', 'group', 'having', 'in', 'initially', 'intersect', 'into',
  'lateral', 'leading', 'limit', 'localtime', 'localtimestamp', 'not', 'null', 'offset', 'on', 'only', 'or', 'order',
  'placing', 'primary', 'references', 'returning', 'select', 'session_user', 'some', 'symmetric', 'system_user',
  'table', 'then', 'to', 'trailing', 'true', 'union', 'unique', 'user', 'using', 'variadic', 'when', 'where',
  'window', 'with',
]);

export const typeFunctionNameKeywords: ReadonlySet<string> = new Set([
  'authorization', 'binary', 'collation', 'concurrently', 'cross', 'current_schema', 'freeze', 'full', 'ilike',
  'inner', 'is', 'isnull', 'join', 'left', 'like', 'natural', 'notnull', 'outer', 'overlaps', 'right', 'similar',
  'tablesample', 'verbose',
]);

export const columnNameKeywords: ReadonlySet<string> = new Set([
  'between', 'bigint', 'bit', 'boolean', 'char', 'character', 'coalesce', 'dec', 'decimal', 'exists', 'extract',
  'float', 'greatest', 'grouping', 'inout', 'int', 'integer', 'interval', 'json', 'json_array', 'json_arrayagg',
  'json_object', 'json_objectagg', 'least', 'national', 'nchar', 'none', 'normalize', 'nullif', 'numeric', 'out',
  'overlay', 'position', 'precision', 'real', 'row', 'setof', 'smallint', 'substring', 'time', 'timestamp', 'treat',
  'trim', 'values', 'varchar', 'xmlattributes', 'xmlconcat', 'xmlelement', 'xmlexists', 'xmlforest',
  'xmlnamespaces', 'xmlparse', 'xmlpi', 'xmlroot', 'xmlserialize', 'xmltable',
]);

/**
 * Keywords PostgreSQL accepts as an output-column alias only after AS (kwlist.h's AS_LABEL): without AS they
 * would be read as the start of the next clause.
 */
export const asOnlyLabelKeywords: ReadonlySet<string> = new Set([
  'array', 'as', 'char', 'character', 'create', 'day', 'except', 'fetch', 'filter', 'for', 'from', 'grant', 'group',
  'having', 'hour', 'intersect', 'into', 'isnull', 'limit', 'minute', 'month', 'notnull', 'offset', 'on', 'order',
  'over', 'precision', 'returning', 'second', 'to', 'union', 'varying', 'where', 'window', 'with', 'within',
  'without', 'year',
]);

export type KeywordCategory = 'reserved' | 'typeFunctionName' | 'columnName' | 'unreserved';

/** The category of an unquoted word; words that are not keywords at all count as unreserved. */
export function keywordCategory(word: string): KeywordCategory {
  if (reservedKeywords.has(word)) return 'reserved';
  if (typeFunctionNameKeywords.has(word)) return 'typeFunctionName';
  if (columnNameKeywords.has(word)) return 'columnName';
  return 'unreserved';
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------------------------

export type TokenType =
  /** An unquoted identifier or keyword; `value` is folded to lower case. */
  | 'word'
  /** A double-quoted identifier; `value` is the name with `""` unescaped and its case kept. */
  | 'quotedIdentifier'
  /** A numeric literal; `value` is its canonical text (see Token.isInteger). */
  | 'number'
  /** A string literal ('…', E'…', N'…', $$…$$); `value` is the string with escapes processed. */
  | 'string'
  /** `$n`; `value` is the decimal parameter number. */
  | 'parameter'
  /** Any operator: `+ - * / % ^ < > =` and multi-character runs such as `<=`, `<>`, `||`, `=%`. */
  | 'operator'
  /** `( ) [ ] , ; . : ::` and any other single character PostgreSQL's lexer returns as itself. */
  | 'punctuation'
  | 'eof';

export interface Token {
  readonly type: TokenType;
  readonly value: string;
  /** The token's source text, exactly as written (what PostgreSQL quotes in `at or near "…"`). */
  readonly text: string;
  /** 0-based offset of the token in the statement text (UTF-16 units, as JavaScript strings index). */
  readonly offset: number;
  /** For numbers: true for an integer literal (decimal, hex, octal or binary), false for decimal/exponent ones. */
  readonly isInteger: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

/** PostgreSQL's error position: 1-based and counted in characters (code points), not UTF-16 units. */
export function errorPosition(source: string, offset: number): number {
  return countCharacters(source, 0, Math.min(offset, source.length), 1);
}

/**
 * errorPosition of each offset, in one pass over the source: a call with 100,000 arguments needs a position for
 * each, and counting from the start every time would be quadratic.
 */
export function errorPositions(source: string, offsets: readonly number[]): number[] {
  const order = offsets.map((_, index) => index).sort((left, right) => (offsets[left] as number) - (offsets[right] as number));
  const positions = new Array<number>(offsets.length);
  let counted = 0;
  let position = 1;
  for (const which of order) {
    const end = Math.max(counted, Math.min(offsets[which] as number, source.length));
    position = countCharacters(source, counted, end, position);
    counted = end;
    positions[which] = position;
  }
  return positions;
}

/** `position` advanced by the characters of source[start, end). */
function countCharacters(source: string, start: number, end: number, position: number): number {
  for (let index = start; index < end; index++) {
    const code = source.charCodeAt(index);
    // A surrogate pair is one character: count only its high half.
    if (code >= 0xdc00 && code <= 0xdfff && index > 0) {
      const previous = source.charCodeAt(index - 1);
      if (previous >= 0xd800 && previous <= 0xdbff) continue;
    }
    position++;
  }
  return position;
}

/**
 * PostgreSQL's scanner_yyerror: `<message> at or near "<text>"`, or `<message> at end of input` when the offending
 * token is the end of the statement.
 */
export function syntaxErrorAt(
  source: string,
  offset: number,
  nearText: string | undefined,
  message = 'syntax error',
  code: string = SqlState.syntaxError,
): KmerSearchError {
  const position = errorPosition(source, offset);
  if (nearText === undefined || offset >= source.length) {
    return new KmerSearchError(code, `${message} at end of input`, { position });
  }
  return new KmerSearchError(code, `${message} at or near "${nearText}"`, { position });
}

// ---------------------------------------------------------------------------------------------------------------
// Character classes (scan.l)
// ---------------------------------------------------------------------------------------------------------------

/** `[A-Za-z\200-\377_]`: PostgreSQL treats every non-ASCII character as an identifier character. */
function isIdentifierStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code >= 0x80;
}

/** `[A-Za-z\200-\377_0-9\$]` */
function isIdentifierPart(code: number): boolean {
  return isIdentifierStart(code) || isDigit(code) || code === 0x24;
}

/** Dollar-quote tags may not contain `$` or start with a digit. */
function isDollarTagPart(code: number): boolean {
  return isIdentifierStart(code) || isDigit(code);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** scan.l's `space`: `[ \t\n\r\f\v]`. */
function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x0c || code === 0x0b;
}

function isNewline(code: number): boolean {
  return code === 0x0a || code === 0x0d;
}

const operatorCharacters = '~!@#^&|`?+-*/%<>=';
const selfCharacters = ',()[].;:+-*/%^<>=';
/** Characters whose presence keeps a trailing `+`/`-` inside a multi-character operator. */
const nonSqlOperatorCharacters = '~!@#^&|`?%';

function isOperatorCharacter(character: string): boolean {
  return character.length === 1 && operatorCharacters.includes(character);
}

/** ASCII-only lower-casing, as PostgreSQL's downcase_identifier does for UTF-8 databases. */
export function foldIdentifier(text: string): string {
  return text.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}

const int32Min = -2147483648;
const int32Max = 2147483647;

// ---------------------------------------------------------------------------------------------------------------
// The lexer
// ---------------------------------------------------------------------------------------------------------------

export class Lexer {
  private offset = 0;

  constructor(readonly source: string) {}

  /** Scans the next token; at the end it keeps returning an `eof` token whose offset is the source length. */
  next(): Token {
    this.skipWhitespaceAndComments();
    const source = this.source;
    const start = this.offset;
    if (start >= source.length) return this.token('eof', '', start, start);
    const character = source[start] as string;
    const code = source.charCodeAt(start);
    const nextCharacter = source[start + 1];

    if (character === "'") return this.scanQuotedString(start, start, false);
    if ((character === 'e' || character === 'E') && nextCharacter === "'") return this.scanQuotedString(start, start + 1, true);
    // N'…' is a national character string: in a UTF-8 database it is an ordinary string.
    if ((character === 'n' || character === 'N') && nextCharacter === "'") return this.scanQuotedString(start, start + 1, false);
    if (character === '"') return this.scanQuotedIdentifier(start);
    // scan.l's dot_dot: `..` is one token (so `1..5` is 1, .., 5).
    if (character === '.' && nextCharacter === '.') return this.fixed('punctuation', '..', start, 2);
    if (character === '$') return this.scanDollar(start);
    if (isDigit(code) || (character === '.' && nextCharacter !== undefined && isDigit(nextCharacter.charCodeAt(0)))) {
      return this.scanNumber(start);
    }
    if (isIdentifierStart(code)) {
      let end = start + 1;
      while (end < source.length && isIdentifierPart(source.charCodeAt(end))) end++;
      this.offset = end;
      const text = source.slice(start, end);
      return this.token('word', foldIdentifier(text), start, end);
    }
    if (character === ':') {
      if (nextCharacter === ':') return this.fixed('punctuation', '::', start, 2);
      if (nextCharacter === '=') return this.fixed('operator', ':=', start, 2);
      return this.fixed('punctuation', ':', start, 1);
    }
    if (isOperatorCharacter(character)) return this.scanOperator(start);
    // scan.l's `self` and `other` rules: any other character is a token by itself.
    const width = code >= 0xd800 && code <= 0xdbff && start + 1 < source.length ? 2 : 1;
    return this.fixed('punctuation', source.slice(start, start + width), start, width);
  }

  private token(type: TokenType, value: string, start: number, end: number, isInteger = false): Token {
    return { type, value, text: this.source.slice(start, end), offset: start, isInteger };
  }

  private fixed(type: TokenType, value: string, start: number, length: number): Token {
    this.offset = start + length;
    return this.token(type, value, start, start + length);
  }

  /** The text PostgreSQL quotes for an error inside an unterminated construct: everything from its start. */
  private unterminated(start: number, message: string): KmerSearchError {
    return syntaxErrorAt(this.source, start, this.source.slice(start), message);
  }

  private skipWhitespaceAndComments(): void {
    const source = this.source;
    for (;;) {
      while (this.offset < source.length && isSpace(source.charCodeAt(this.offset))) this.offset++;
      if (source.startsWith('--', this.offset)) {
        while (this.offset < source.length && !isNewline(source.charCodeAt(this.offset))) this.offset++;
        continue;
      }
      if (source.startsWith('/*', this.offset)) {
        this.offset = this.skipBlockComment(this.offset);
        continue;
      }
      return;
    }
  }

  /** Nested `/* … *\/` comments, as PostgreSQL (unlike the SQL standard's flat ones). */
  private skipBlockComment(start: number): number {
    const source = this.source;
    let depth = 0;
    let index = start;
    while (index < source.length) {
      if (source.startsWith('/*', index)) {
        depth++;
        index += 2;
      } else if (source.startsWith('*/', index)) {
        depth--;
        index += 2;
        if (depth === 0) return index;
      } else {
        index++;
      }
    }
    throw this.unterminated(start, 'unterminated /* comment');
  }

  /**
   * '…' and E'…' strings. Two literals separated only by whitespace that includes a newline are one literal
   * (SQL's string continuation, scan.l's `quotecontinue`).
   */
  private scanQuotedString(tokenStart: number, quoteStart: number, escapes: boolean): Token {
    const source = this.source;
    const literal = new StringBuilder();
    let index = quoteStart + 1;
    for (;;) {
      const close = escapes ? findEither(source, index, "'", '\\') : source.indexOf("'", index);
      if (close < 0) throw this.unterminated(tokenStart, 'unterminated quoted string');
      literal.appendText(source.slice(index, close));
      index = close;
      if (source[index] === '\\') {
        if (index + 1 >= source.length) throw this.unterminated(tokenStart, 'unterminated quoted string');
        index = this.scanEscape(index, literal);
        continue;
      }
      if (source[index + 1] === "'") {
        literal.appendText("'");
        index += 2;
        continue;
      }
      const continuation = this.stringContinuation(index + 1);
      if (continuation !== undefined) {
        index = continuation + 1;
        continue;
      }
      index++;
      break;
    }
    this.offset = index;
    return this.token('string', literal.finish(), tokenStart, index);
  }

  /** After a closing quote: the offset of the next opening quote if the literal continues, else undefined. */
  private stringContinuation(afterQuote: number): number | undefined {
    const source = this.source;
    let index = afterQuote;
    let sawNewline = false;
    for (;;) {
      if (index >= source.length) return undefined;
      const code = source.charCodeAt(index);
      if (isNewline(code)) {
        sawNewline = true;
        index++;
      } else if (isSpace(code)) {
        index++;
      } else if (source.startsWith('--', index)) {
        // A `--` comment counts as horizontal whitespace here (scan.l's horiz_whitespace).
        while (index < source.length && !isNewline(source.charCodeAt(index))) index++;
      } else if (sawNewline && code === 0x27) {
        return index;
      } else {
        return undefined;
      }
    }
  }

  /** One backslash escape of an E'…' string (scan.l's xeescape, xeoctesc, xehexesc, xeunicode). */
  private scanEscape(index: number, literal: StringBuilder): number {
    const source = this.source;
    const escaped = source[index + 1] as string;
    if (escaped >= '0' && escaped <= '7') {
      let end = index + 1;
      let value = 0;
      while (end < index + 4 && end < source.length && (source[end] as string) >= '0' && (source[end] as string) <= '7') {
        value = value * 8 + (source.charCodeAt(end) - 0x30);
        end++;
      }
      literal.appendByte(value & 0xff);
      return end;
    }
    if (escaped === 'x' && isHexDigit(source[index + 2])) {
      let end = index + 2;
      let value = 0;
      while (end < index + 4 && isHexDigit(source[end])) {
        value = value * 16 + parseInt(source[end] as string, 16);
        end++;
      }
      literal.appendByte(value);
      return end;
    }
    if (escaped === 'u' || escaped === 'U') {
      const digits = escaped === 'u' ? 4 : 8;
      const hex = source.slice(index + 2, index + 2 + digits);
      if (hex.length !== digits || ![...hex].every((digit) => isHexDigit(digit))) {
        throw new KmerSearchError(SqlState.syntaxError, 'invalid Unicode escape', {
          hint: 'Unicode escapes must be \\XXXX, \\+XXXXXX, \\uXXXX, or \\UXXXXXXXX.',
          position: errorPosition(source, index),
        });
      }
      let codePoint = parseInt(hex, 16);
      let end = index + 2 + digits;
      if (codePoint >= 0xd800 && codePoint <= 0xdbff) {
        // A high surrogate must be followed by an escaped low surrogate; together they are one character.
        const low = /^\\u([0-9A-Fa-f]{4})/.exec(source.slice(end, end + 6));
        const lowValue = low?.[1] === undefined ? -1 : parseInt(low[1], 16);
        if (lowValue < 0xdc00 || lowValue > 0xdfff) throw this.invalidUnicode(index, 'invalid Unicode surrogate pair');
        codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (lowValue - 0xdc00);
        end += 6;
      } else if (codePoint >= 0xdc00 && codePoint <= 0xdfff) {
        throw this.invalidUnicode(index, 'invalid Unicode surrogate pair');
      } else if (codePoint === 0 || codePoint > 0x10ffff) {
        throw this.invalidUnicode(index, 'invalid Unicode escape value');
      }
      literal.appendText(String.fromCodePoint(codePoint));
      return end;
    }
    const simple = simpleEscapes[escaped];
    if (simple !== undefined) {
      literal.appendText(simple);
      return index + 2;
    }
    // Any other escaped character stands for itself (a surrogate pair is one character).
    const width = isHighSurrogate(source.charCodeAt(index + 1)) && index + 2 < source.length ? 2 : 1;
    literal.appendText(source.slice(index + 1, index + 1 + width));
    return index + 1 + width;
  }

  private invalidUnicode(index: number, message: string): KmerSearchError {
    return new KmerSearchError(SqlState.syntaxError, message, { position: errorPosition(this.source, index) });
  }

  private scanQuotedIdentifier(start: number): Token {
    const source = this.source;
    let value = '';
    let index = start + 1;
    for (;;) {
      const close = source.indexOf('"', index);
      if (close < 0) throw this.unterminated(start, 'unterminated quoted identifier');
      value += source.slice(index, close);
      if (source[close + 1] === '"') {
        value += '"';
        index = close + 2;
        continue;
      }
      index = close + 1;
      break;
    }
    this.offset = index;
    if (value.length === 0) {
      throw syntaxErrorAt(source, start, source.slice(start, index), 'zero-length delimited identifier');
    }
    return this.token('quotedIdentifier', value, start, index);
  }

  /** `$n` parameters, `$tag$…$tag$` strings, or a lone `$`. */
  private scanDollar(start: number): Token {
    const source = this.source;
    if (isDigit(source.charCodeAt(start + 1))) {
      let end = start + 1;
      while (end < source.length && isDigit(source.charCodeAt(end))) end++;
      if (end < source.length && isIdentifierPart(source.charCodeAt(end))) {
        let junkEnd = end;
        while (junkEnd < source.length && isIdentifierPart(source.charCodeAt(junkEnd))) junkEnd++;
        throw syntaxErrorAt(source, start, source.slice(start, junkEnd), 'trailing junk after parameter');
      }
      this.offset = end;
      const digits = source.slice(start + 1, end).replace(/^0+(?=\d)/, '');
      return this.token('parameter', digits, start, end);
    }
    let tagEnd = start + 1;
    if (tagEnd < source.length && isIdentifierStart(source.charCodeAt(tagEnd))) {
      while (tagEnd < source.length && isDollarTagPart(source.charCodeAt(tagEnd))) tagEnd++;
    }
    if (source[tagEnd] !== '$') return this.fixed('punctuation', '$', start, 1);
    const delimiter = source.slice(start, tagEnd + 1);
    const bodyStart = tagEnd + 1;
    const close = source.indexOf(delimiter, bodyStart);
    if (close < 0) throw this.unterminated(start, 'unterminated dollar-quoted string');
    this.offset = close + delimiter.length;
    return this.token('string', source.slice(bodyStart, close), start, this.offset);
  }

  private scanNumber(start: number): Token {
    const source = this.source;
    const junkError = (end: number, message = 'trailing junk after numeric literal'): KmerSearchError => {
      let junkEnd = end;
      while (junkEnd < source.length && isIdentifierPart(source.charCodeAt(junkEnd))) junkEnd++;
      return syntaxErrorAt(source, start, source.slice(start, junkEnd), message);
    };
    // Hexadecimal, octal and binary integers (PostgreSQL 16).
    const radixMatch = /^0([xXoObB])/.exec(source.slice(start, start + 2));
    if (radixMatch !== null) {
      const radixLetter = (radixMatch[1] as string).toLowerCase();
      const digitPattern = radixLetter === 'x' ? /[0-9A-Fa-f]/ : radixLetter === 'o' ? /[0-7]/ : /[01]/;
      let end = start + 2;
      let digits = '';
      for (;;) {
        const character = source[end];
        const afterUnderscore = source[end + 1];
        if (character !== undefined && digitPattern.test(character)) {
          digits += character;
          end++;
        } else if (character === '_' && afterUnderscore !== undefined && digitPattern.test(afterUnderscore)) {
          end++;
        } else {
          break;
        }
      }
      const name = radixLetter === 'x' ? 'hexadecimal' : radixLetter === 'o' ? 'octal' : 'binary';
      if (digits.length === 0) throw junkError(end, `invalid ${name} integer`);
      if (end < source.length && isIdentifierPart(source.charCodeAt(end))) throw junkError(end);
      this.offset = end;
      const prefix = radixLetter === 'x' ? '0x' : radixLetter === 'o' ? '0o' : '0b';
      return this.token('number', BigInt(prefix + digits).toString(), start, end, true);
    }

    let end = start;
    const scanDigits = (): boolean => {
      if (!isDigit(source.charCodeAt(end))) return false;
      end++;
      for (;;) {
        if (isDigit(source.charCodeAt(end))) end++;
        else if (source[end] === '_' && isDigit(source.charCodeAt(end + 1))) end += 2;
        else return true;
      }
    };
    let isInteger = true;
    if (source[end] === '.') {
      end++;
      scanDigits();
      isInteger = false;
    } else {
      scanDigits();
      if (source[end] === '.') {
        // `1..5`: scan.l's numericfail returns the integer and leaves `..` for the next token.
        if (source[end + 1] === '.') {
          this.offset = end;
          return this.numberToken(start, end, true);
        }
        end++;
        scanDigits();
        isInteger = false;
      }
    }
    if (source[end] === 'e' || source[end] === 'E') {
      const mantissaEnd = end;
      end++;
      if (source[end] === '+' || source[end] === '-') end++;
      if (!scanDigits()) {
        if (source[mantissaEnd + 1] === '+' || source[mantissaEnd + 1] === '-') {
          throw syntaxErrorAt(source, start, source.slice(start, mantissaEnd + 2), 'trailing junk after numeric literal');
        }
        throw junkError(mantissaEnd);
      }
      isInteger = false;
    }
    if (end < source.length && isIdentifierPart(source.charCodeAt(end))) throw junkError(end);
    this.offset = end;
    return this.numberToken(start, end, isInteger);
  }

  private numberToken(start: number, end: number, isInteger: boolean): Token {
    let value = this.source.slice(start, end).replace(/_/g, '');
    if (isInteger) {
      // Integers that fit int4 are stored by value in PostgreSQL (leading zeros vanish); longer ones keep their text.
      const numeric = Number(value);
      if (numeric >= int32Min && numeric <= int32Max) value = String(numeric);
      else value = value.replace(/^0+(?=\d)/, '');
    }
    return this.token('number', value, start, end, isInteger);
  }

  /** scan.l's `{operator}` rule, including its trimming of embedded comments and trailing `+`/`-`. */
  private scanOperator(start: number): Token {
    const source = this.source;
    let end = start;
    while (end < source.length && isOperatorCharacter(source[end] as string)) end++;
    let text = source.slice(start, end);
    const commentStart = [text.indexOf('/*'), text.indexOf('--')].filter((index) => index >= 0);
    if (commentStart.length > 0) text = text.slice(0, Math.min(...commentStart));
    if (text.length > 1 && (text.endsWith('+') || text.endsWith('-'))) {
      const keepsTrailingSign = [...text.slice(0, -1)].some((character) => nonSqlOperatorCharacters.includes(character));
      if (!keepsTrailingSign) {
        while (text.length > 1 && (text.endsWith('+') || text.endsWith('-'))) text = text.slice(0, -1);
      }
    }
    if (text.length === 0) {
      // Only possible when the run starts a comment, which skipWhitespaceAndComments has already consumed.
      text = source.slice(start, start + 1);
    }
    this.offset = start + text.length;
    if (text.length === 1 && !selfCharacters.includes(text)) return this.token('operator', text, start, this.offset);
    if (text.length >= 64) throw syntaxErrorAt(source, start, text, 'operator too long');
    // `!=` is PostgreSQL's spelling of `<>`.
    return this.token('operator', text === '!=' ? '<>' : text, start, this.offset);
  }
}

function isHexDigit(character: string | undefined): boolean {
  return character !== undefined && /^[0-9A-Fa-f]$/.test(character);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

const simpleEscapes: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function findEither(source: string, from: number, first: string, second: string): number {
  const firstIndex = source.indexOf(first, from);
  const secondIndex = source.indexOf(second, from);
  if (firstIndex < 0) return secondIndex;
  if (secondIndex < 0) return firstIndex;
  return Math.min(firstIndex, secondIndex);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The value of a string literal. `\ooo` and `\xhh` escapes build raw bytes; PostgreSQL verifies the result as UTF-8
 * and rejects NUL, with 22021 `invalid byte sequence for encoding "UTF8": 0x…` (and no position).
 */
class StringBuilder {
  private text = '';
  private pendingBytes: number[] = [];

  appendText(text: string): void {
    if (text.length === 0) return;
    if (this.pendingBytes.length > 0) this.flushBytes();
    this.text += text;
  }

  appendByte(byte: number): void {
    this.pendingBytes.push(byte);
  }

  finish(): string {
    if (this.pendingBytes.length > 0) this.flushBytes();
    return this.text;
  }

  private flushBytes(): void {
    const bytes = Uint8Array.from(this.pendingBytes);
    this.pendingBytes = [];
    const bad = firstInvalidUtf8(bytes);
    if (bad >= 0) {
      const length = Math.max(1, Math.min(bytes.length - bad, utf8SequenceLength(bytes[bad] as number)));
      const shown = Array.from(bytes.slice(bad, bad + length), (byte) => `0x${byte.toString(16).padStart(2, '0')}`);
      throw new KmerSearchError('22021', `invalid byte sequence for encoding "UTF8": ${shown.join(' ')}`);
    }
    this.text += strictUtf8.decode(bytes);
  }
}

function utf8SequenceLength(first: number): number {
  if (first >= 0xf0) return 4;
  if (first >= 0xe0) return 3;
  if (first >= 0xc0) return 2;
  return 1;
}

/** Offset of the first byte that does not start a valid UTF-8 sequence (NUL counts as invalid), or −1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const first = bytes[index] as number;
    if (first === 0) return index;
    const length = first < 0x80 ? 1 : first >= 0xc2 && first < 0xe0 ? 2 : first >= 0xe0 && first < 0xf0 ? 3 : first >= 0xf0 && first < 0xf5 ? 4 : 0;
    if (length === 0 || index + length > bytes.length) return index;
    try {
      strictUtf8.decode(bytes.slice(index, index + length));
    } catch {
      return index;
    }
    index += length;
  }
  return -1;
}

/** All tokens of a text, up to and including the final `eof` token (throws the first lexical error). */
export function tokenize(source: string): readonly Token[] {
  const lexer = new Lexer(source);
  const tokens: Token[] = [];
  for (;;) {
    const token = lexer.next();
    tokens.push(token);
    if (token.type === 'eof') return tokens;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Script splitting (psql)
// ---------------------------------------------------------------------------------------------------------------

export interface ScriptPiece {
  /** `statement`: SQL to send; `metaCommand`: a psql backslash command line (the shell decides what to do). */
  readonly kind: 'statement' | 'metaCommand';
  /**
   * The text psql would send: from the first character that is not whitespace or a `--` comment, up to and
   * including the terminating `;` (psql sends the semicolon, so `SELECT 1 +;` fails at ";" as in psql).
   * For a meta-command: the line from the backslash, without the newline.
   */
  readonly text: string;
  /** 0-based offset of `text` in the script. */
  readonly offset: number;
  /** 1-based line of the script on which `text` starts. */
  readonly line: number;
  /** True when the statement ended with `;` (or `\g`); false for text left at the end of the script. */
  readonly terminated: boolean;
}

/**
 * Splits a script the way psql does: on `;` outside quotes, quoted identifiers, dollar quotes, comments and
 * parentheses. Leading whitespace and `--` comments before a statement are dropped (psql does not send them);
 * `/* *\/` comments are kept. A backslash at the start of a statement begins a meta-command running to the end
 * of the line. Never throws: unterminated constructs simply run to the end of the script, and the server-side
 * lexer reports them when the piece is parsed.
 */
export function splitScript(script: string): readonly ScriptPiece[] {
  const pieces: ScriptPiece[] = [];
  let lineStarts: number[] | undefined;
  const lineOf = (offset: number): number => {
    if (lineStarts === undefined) {
      lineStarts = [0];
      for (let index = 0; index < script.length; index++) if (script[index] === '\n') lineStarts.push(index + 1);
    }
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
  const push = (kind: ScriptPiece['kind'], start: number, end: number, terminated: boolean): void => {
    pieces.push(Object.freeze({ kind, text: script.slice(start, end), offset: start, line: lineOf(start), terminated }));
  };

  let index = 0;
  let statementStart = -1;
  let parenthesisDepth = 0;
  while (index < script.length) {
    const code = script.charCodeAt(index);
    const character = script[index] as string;
    if (statementStart < 0) {
      // Between statements: skip what psql does not send.
      if (isSpace(code)) {
        index++;
        continue;
      }
      if (script.startsWith('--', index)) {
        index = skipToLineEnd(script, index);
        continue;
      }
      if (character === '\\') {
        const end = skipToLineEnd(script, index);
        push('metaCommand', index, end, true);
        index = end;
        continue;
      }
      statementStart = index;
      parenthesisDepth = 0;
    }
    if (script.startsWith('--', index)) {
      index = skipToLineEnd(script, index);
    } else if (script.startsWith('/*', index)) {
      index = skipBlockCommentTolerant(script, index);
    } else if (character === "'") {
      index = skipQuoted(script, index + 1, "'", false);
    } else if ((character === 'e' || character === 'E') && script[index + 1] === "'" && !isIdentifierPartBefore(script, index)) {
      index = skipQuoted(script, index + 2, "'", true);
    } else if (character === '"') {
      index = skipQuoted(script, index + 1, '"', false);
    } else if (character === '$' && !isIdentifierPartBefore(script, index)) {
      index = skipDollar(script, index);
    } else if (isIdentifierStart(code)) {
      while (index < script.length && isIdentifierPart(script.charCodeAt(index))) index++;
    } else if (character === '(') {
      parenthesisDepth++;
      index++;
    } else if (character === ')') {
      if (parenthesisDepth > 0) parenthesisDepth--;
      index++;
    } else if (character === ';' && parenthesisDepth === 0) {
      push('statement', statementStart, index + 1, true);
      statementStart = -1;
      index++;
    } else if (character === '\\' && script.startsWith('\\g', index) && !isIdentifierPartAt(script, index + 2)) {
      // `\g` sends the statement collected so far, like a semicolon.
      push('statement', statementStart, index, true);
      statementStart = -1;
      index = skipToLineEnd(script, index);
    } else {
      index++;
    }
  }
  if (statementStart >= 0) push('statement', statementStart, script.length, false);
  return Object.freeze(pieces);
}

/** Only the SQL statements of a script (see splitScript). */
export function splitStatements(script: string): readonly ScriptPiece[] {
  return Object.freeze(splitScript(script).filter((piece) => piece.kind === 'statement'));
}

function isIdentifierPartBefore(script: string, index: number): boolean {
  return index > 0 && isIdentifierPart(script.charCodeAt(index - 1));
}

function isIdentifierPartAt(script: string, index: number): boolean {
  return index < script.length && isIdentifierPart(script.charCodeAt(index));
}

function skipToLineEnd(script: string, index: number): number {
  let end = index;
  while (end < script.length && script[end] !== '\n') end++;
  return end;
}

function skipBlockCommentTolerant(script: string, start: number): number {
  let depth = 0;
  let index = start;
  while (index < script.length) {
    if (script.startsWith('/*', index)) {
      depth++;
      index += 2;
    } else if (script.startsWith('*/', index)) {
      depth--;
      index += 2;
      if (depth === 0) return index;
    } else {
      index++;
    }
  }
  return script.length;
}

function skipQuoted(script: string, index: number, quote: string, backslashEscapes: boolean): number {
  let position = index;
  while (position < script.length) {
    const character = script[position];
    if (backslashEscapes && character === '\\') {
      position += 2;
    } else if (character === quote) {
      if (script[position + 1] === quote) position += 2;
      else return position + 1;
    } else {
      position++;
    }
  }
  return script.length;
}

function skipDollar(script: string, start: number): number {
  let tagEnd = start + 1;
  if (tagEnd < script.length && isIdentifierStart(script.charCodeAt(tagEnd))) {
    while (tagEnd < script.length && isDollarTagPart(script.charCodeAt(tagEnd))) tagEnd++;
  }
  if (script[tagEnd] !== '$') return start + 1;
  const delimiter = script.slice(start, tagEnd + 1);
  const close = script.indexOf(delimiter, tagEnd + 1);
  return close < 0 ? script.length : close + delimiter.length;
}
