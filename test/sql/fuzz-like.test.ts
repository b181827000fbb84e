/**
 * LIKE/ILIKE matching (src/sql/executor/like.ts) against the plain reading of a pattern as a regular expression,
 * on small random inputs where backtracking is harmless, and on the hostile patterns that made the old RegExp
 * matcher hang (docs/reliability.md, "Hostile input").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileLikePattern } from '../../src/sql/executor/like.js';
import { fuzzParameters } from '../fuzz-options.js';
import { expectError, openDatabase } from './engine-helpers.js';

/** The oracle: `%` → `.*`, `_` → `.`, the escape character quoting the next one, anchored, by code points. */
function oracle(pattern: string, escape: string | undefined, caseInsensitive: boolean): (text: string) => boolean {
  const escapeCharacter = escape === undefined ? '\\' : escape === '' ? undefined : escape;
  const characters = [...(caseInsensitive ? pattern.toLowerCase() : pattern)];
  let source = '';
  for (let index = 0; index < characters.length; index++) {
    const character = characters[index] as string;
    const quote = (literal: string): string => literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    if (character === escapeCharacter) source += quote(characters[++index] as string);
    else if (character === '%') source += '.*';
    else if (character === '_') source += '.';
    else source += quote(character);
  }
  const expression = new RegExp(`^${source}$`, 'su');
  return (text) => expression.test(caseInsensitive ? text.toLowerCase() : text);
}

describe('LIKE matching', () => {
  it('agrees with the regular-expression reading of the pattern', () => {
    const unit = fc.constantFrom('a', 'b', 'A', '%', '_', '\\', '#', 'é', '𝄞', '\n');
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'A', '%', '_', '\\', '#', 'é', '𝄞', '\n'), maxLength: 12 });
    const pattern = fc.string({ unit, maxLength: 8 }).filter((candidate) => !/\\$/.test(candidate.replace(/\\\\/g, '')));
    fc.assert(
      fc.property(pattern, text, fc.constantFrom(undefined, '#', ''), fc.boolean(), (source, subject, escape, caseInsensitive) => {
        let expected: (value: string) => boolean;
        try {
          expected = oracle(source, escape, caseInsensitive);
        } catch {
          return; // a pattern ending in its escape character: compileLikePattern's 22025 is tested below
        }
        if (escape === '#' && /#$/.test(source.replace(/##/g, ''))) return;
        expect(compileLikePattern(source, escape, caseInsensitive)(subject)).toBe(expected(subject));
      }),
      fuzzParameters(5000, 61),
    );
  });

  it('matches hostile patterns in time proportional to text × pattern (regression: the RegExp backtracked for hours)', () => {
    const text = 'a'.repeat(100_000);
    expect(compileLikePattern(`${'%a'.repeat(1000)}b`, undefined, false)(text)).toBe(false);
    expect(compileLikePattern(`${'%a'.repeat(1000)}%`, undefined, false)(text)).toBe(true);
    expect(compileLikePattern(`${'%_'.repeat(30)}b%`, undefined, true)(text)).toBe(false);
  });

  it('through SQL, with PostgreSQL\'s errors', async () => {
    const db = await openDatabase();
    const result = await db.query(`SELECT repeat('a', 100000) LIKE repeat('%a', 1000) || 'b' AS hostile, 'x𝄞y' LIKE 'x_y' AS one_code_point, 'AbC' ILIKE 'a%c' AS folded`);
    expect(result.rows).toEqual([{ hostile: false, one_code_point: true, folded: true }]);
    await expectError(db, "SELECT 'a' LIKE 'a\\'", { code: '22025', message: 'LIKE pattern must not end with escape character' });
    await expectError(db, "SELECT 'a' LIKE 'a' ESCAPE 'xy'", { code: '22025', message: 'invalid escape string', hint: 'Escape string must be empty or one character.' });
  });
});
