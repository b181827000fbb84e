/**
 * The two alphabets and their bit codes (reference core §1.1–§1.2), as lookup tables indexed by character
 * code so that encoders and the k-mer layer classify a character with one array read and no branches on
 * letters. Tables cover ASCII only (128 entries): any code unit ≥ 128 is invalid in both alphabets, and the
 * callers test `charCode < 128` before indexing.
 */

/** Marks a character that is not in the alphabet. */
export const INVALID_BASE_CODE = -1;

/** DNA2 code of an ASCII character: A=0, C=1, G=2, T=U=3 (either case), else INVALID_BASE_CODE. */
export const DNA2_CODE_BY_CHAR: Int8Array = buildCodeTable({ A: 0, C: 1, G: 2, T: 3, U: 3 });

/**
 * DNA4 code (one-hot IUPAC mask A=1, C=2, G=4, T=8) of an ASCII character, either case, U as T;
 * else INVALID_BASE_CODE. Code 0 is never produced: it exists only in malformed binary input.
 */
export const DNA4_CODE_BY_CHAR: Int8Array = buildCodeTable({
  A: 0b0001,
  C: 0b0010,
  G: 0b0100,
  T: 0b1000,
  U: 0b1000,
  M: 0b0011,
  R: 0b0101,
  W: 0b1001,
  S: 0b0110,
  Y: 0b1010,
  K: 0b1100,
  V: 0b0111,
  H: 0b1011,
  D: 0b1101,
  B: 0b1110,
  N: 0b1111,
});

/** Output letter of each DNA2 code. */
export const DNA2_LETTERS = 'ACGT';

/** Output letter of each DNA4 code; code 0 prints `?` as in the reference's output function. */
export const DNA4_LETTERS = '?ACMGRSVTWYHKDBN';

/** Code of the DNA4 N (any base): a window containing it yields no k-mer. */
export const DNA4_CODE_N = 0b1111;

/** DNA2 code (0–3) of each single-base DNA4 code, INVALID_BASE_CODE for ambiguity codes and 0. */
export const DNA2_CODE_OF_DNA4_CODE: Int8Array = (() => {
  const table = new Int8Array(16).fill(INVALID_BASE_CODE);
  table[0b0001] = 0;
  table[0b0010] = 1;
  table[0b0100] = 2;
  table[0b1000] = 3;
  return table;
})();

function buildCodeTable(codes: Readonly<Record<string, number>>): Int8Array {
  const table = new Int8Array(128).fill(INVALID_BASE_CODE);
  for (const [letter, code] of Object.entries(codes)) {
    table[letter.charCodeAt(0)] = code;
    table[letter.toLowerCase().charCodeAt(0)] = code;
  }
  return table;
}
