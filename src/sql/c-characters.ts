/**
 * C library character classes as PostgreSQL's input functions use them (isspace() in the C locale), shared by
 * the numeric, float and text input parsers.
 */

/** isspace() in the C locale: space, tab, newline, vertical tab, form feed, carriage return. */
export function isCSpace(character: string | undefined): boolean {
  return (
    character === ' ' ||
    character === '\t' ||
    character === '\n' ||
    character === '\v' ||
    character === '\f' ||
    character === '\r'
  );
}
