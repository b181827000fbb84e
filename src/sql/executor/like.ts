/**
 * LIKE / ILIKE pattern matching with PostgreSQL's rules: `%` any run of characters, `_` one character, the
 * escape character (backslash unless ESCAPE says otherwise, none for ESCAPE '') makes the next one literal, and
 * a pattern ending in the escape character is 22025 `LIKE pattern must not end with escape character`.
 *
 * The matcher is PostgreSQL's MatchText (like_match.c), not a regular expression: a pattern such as
 * `%a%a%a…%b` made V8's backtracking RegExp run for hours (exponential in the number of `%`), while MatchText's
 * LIKE_ABORT — once the rest of the pattern cannot match anywhere after one `%`, no earlier `%` can help — keeps
 * it at most (text length × pattern length). Characters are code points, as in a UTF-8 database.
 */
import { KmerSearchError } from '../../errors.js';

export type LikeMatcher = (text: string) => boolean;

/** A pattern element: `%`, `_`, or one literal code point. */
const anyRun = -1;
const oneCharacter = -2;

const matchTrue = 1;
const matchFalse = 0;
/** No match here, nor with any later start of an earlier `%` (PostgreSQL's LIKE_ABORT). */
const matchAbort = -1;

export function compileLikePattern(pattern: string, escape: string | undefined, caseInsensitive: boolean): LikeMatcher {
  let escapeCharacter: string | undefined = '\\';
  if (escape !== undefined) {
    const characters = [...escape];
    if (characters.length > 1) {
      throw new KmerSearchError('22025', 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
    }
    escapeCharacter = characters[0];
  }
  // ILIKE compares the lower-cased text with the lower-cased pattern.
  const characters = [...(caseInsensitive ? pattern.toLowerCase() : pattern)];
  const elements: number[] = [];
  for (let index = 0; index < characters.length; index++) {
    const character = characters[index] as string;
    if (escapeCharacter !== undefined && character === escapeCharacter) {
      const next = characters[++index];
      if (next === undefined) throw new KmerSearchError('22025', 'LIKE pattern must not end with escape character');
      elements.push(next.codePointAt(0) as number);
    } else if (character === '%') {
      elements.push(anyRun);
    } else if (character === '_') {
      elements.push(oneCharacter);
    } else {
      elements.push(character.codePointAt(0) as number);
    }
  }
  const compiled = Int32Array.from(elements);
  return (text) => matchText(codePoints(caseInsensitive ? text.toLowerCase() : text), 0, compiled, 0) === matchTrue;
}

function codePoints(text: string): Int32Array {
  const codes = new Int32Array(text.length);
  let length = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.codePointAt(index) as number;
    if (code > 0xffff) index++;
    codes[length++] = code;
  }
  return length === codes.length ? codes : codes.subarray(0, length);
}

/** like_match.c's MatchText over code points: matchTrue, matchFalse or matchAbort. */
function matchText(text: Int32Array, textStart: number, pattern: Int32Array, patternStart: number): number {
  let t = textStart;
  let p = patternStart;
  while (t < text.length && p < pattern.length) {
    const element = pattern[p] as number;
    if (element === anyRun) {
      // A run of `%` and `_`: the `_` each take one character, then the rest must match somewhere further on.
      p++;
      while (p < pattern.length) {
        if (pattern[p] === anyRun) p++;
        else if (pattern[p] === oneCharacter) {
          if (t >= text.length) return matchAbort;
          t++;
          p++;
        } else break;
      }
      if (p >= pattern.length) return matchTrue;
      const first = pattern[p] as number;
      for (; t < text.length; t++) {
        if (text[t] === first) {
          const matched = matchText(text, t, pattern, p);
          if (matched !== matchFalse) return matched;
        }
      }
      return matchAbort;
    }
    if (element !== oneCharacter && element !== text[t]) return matchFalse;
    t++;
    p++;
  }
  if (t < text.length) return matchFalse;
  while (p < pattern.length && pattern[p] === anyRun) p++;
  return p >= pattern.length ? matchTrue : matchAbort;
}
