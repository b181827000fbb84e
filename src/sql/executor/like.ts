/**
 * LIKE / ILIKE pattern matching with PostgreSQL's rules: `%` any run of characters, `_` one character, the
 * escape character (backslash unless ESCAPE says otherwise, none for ESCAPE '') makes the next one literal, and
 * a pattern ending in the escape character is 22025 `LIKE pattern must not end with escape character`.
 */
import { KmerSearchError } from '../../errors.js';

export type LikeMatcher = (text: string) => boolean;

function escapeRegExp(character: string): string {
  return character.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function compileLikePattern(pattern: string, escape: string | undefined, caseInsensitive: boolean): LikeMatcher {
  let escapeCharacter: string | undefined = '\\';
  if (escape !== undefined) {
    const characters = [...escape];
    if (characters.length > 1) {
      throw new KmerSearchError('22025', 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
    }
    escapeCharacter = characters[0];
  }
  let source = '';
  // ILIKE compares the lower-cased text with the lower-cased pattern.
  const characters = [...(caseInsensitive ? pattern.toLowerCase() : pattern)];
  for (let index = 0; index < characters.length; index++) {
    const character = characters[index] as string;
    if (escapeCharacter !== undefined && character === escapeCharacter) {
      const next = characters[++index];
      if (next === undefined) throw new KmerSearchError('22025', 'LIKE pattern must not end with escape character');
      source += escapeRegExp(next);
    } else if (character === '%') {
      source += '.*';
    } else if (character === '_') {
      source += '.';
    } else {
      source += escapeRegExp(character);
    }
  }
  const expression = new RegExp(`^${source}$`, 'su');
  if (!caseInsensitive) return (text) => expression.test(text);
  return (text) => expression.test(text.toLowerCase());
}
