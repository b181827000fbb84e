/**
 * Query text checks of reference core §2.1 items 4 and 5. The reference works on the C string, so lengths are
 * UTF-8 byte counts and the offending "character" is a single byte.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import { MASK_OF_QUERY_CHAR } from './alphabet.js';

/** Length of `text` in UTF-8 bytes, as PostgreSQL sees a text value (lone surrogates count as U+FFFD: 3 bytes). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Reference core §2.1 item 5. For a non-ASCII character the reference prints only its first UTF-8 byte, which
 * is not valid UTF-8 on its own: a node-postgres or psql client shows it as U+FFFD, so that is what we print.
 */
export function invalidQueryCharacterError(character: string): KmerSearchError {
  const shown = character.charCodeAt(0) < 0x80 ? character : '\uFFFD';
  return new KmerSearchError(SqlState.invalidTextRepresentation, `Invalid character '${shown}' for DNA sequence`, {
    hint: 'DNA accepts A,C,G,T,U,M,R,W,S,Y,K,V,H,D,B,N characters',
  });
}

/**
 * Whether KeyExtractor.extractQuery accepts `text` for k-mers of `kmerSize` (items 4 and 5, in its order), without
 * extracting anything: for callers that must know in advance whether `=%` will raise (the SQL layer's index scan).
 */
export function isAcceptedQueryText(text: string, kmerSize: number): boolean {
  const length = text.length;
  if (length < kmerSize && utf8ByteLength(text) < kmerSize) return false;
  for (let i = 0; i < length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 128 || MASK_OF_QUERY_CHAR[unit] === 0) return false;
  }
  return true;
}
