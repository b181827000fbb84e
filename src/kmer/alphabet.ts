/**
 * Per-base lookup tables of the extraction (reference core §1.2, §2.2): what a 4-bit IUPAC mask means for a
 * window, its 2-bit code when it is a concrete base, and its members in A, C, G, T order.
 */

/** How one base of a DNA4 value or query text acts on the windows that contain it. */
export const BaseKind = {
  /** A, C, G or T: one 2-bit code. */
  concrete: 0,
  /** M R W S Y K V H D B: two or three members; a window may hold at most one of these. */
  ambiguous: 1,
  /** N, or the invalid code 0: every window containing it yields nothing. */
  skipped: 2,
} as const;

/** BaseKind of each mask 0 … 15. */
export const KIND_OF_MASK: Uint8Array = new Uint8Array(16);
/** 2-bit code (A=0 C=1 G=2 T=3) of a concrete mask; 0 for the others, which stand in the rolling value as a placeholder. */
export const CODE_OF_MASK: Uint8Array = new Uint8Array(16);
/** Number of members of an ambiguous mask (2 or 3). */
export const MEMBER_COUNT_OF_MASK: Uint8Array = new Uint8Array(16);
/** Member codes of mask m at [4m, 4m + count), ascending, i.e. in the reference's A, C, G, T order. */
export const MEMBER_CODES_OF_MASK: Uint8Array = new Uint8Array(64);

for (let mask = 0; mask < 16; mask++) {
  let members = 0;
  for (let code = 0; code < 4; code++) {
    if ((mask >> code) & 1) MEMBER_CODES_OF_MASK[mask * 4 + members++] = code;
  }
  MEMBER_COUNT_OF_MASK[mask] = members;
  if (members === 1) {
    KIND_OF_MASK[mask] = BaseKind.concrete;
    CODE_OF_MASK[mask] = MEMBER_CODES_OF_MASK[mask * 4] ?? 0;
  } else if (members === 2 || members === 3) {
    KIND_OF_MASK[mask] = BaseKind.ambiguous;
  } else {
    // 0 members (code 0, only reachable through binary input in the reference) and N (4 members).
    KIND_OF_MASK[mask] = BaseKind.skipped;
  }
}

/**
 * IUPAC mask of each ASCII character accepted in query text (either case, U read as T); 0 = not accepted.
 * The accepted alphabet is DNA4's (reference core §2.1 item 5).
 */
export const MASK_OF_QUERY_CHAR: Uint8Array = new Uint8Array(128);
{
  const letters: ReadonlyArray<readonly [string, number]> = [
    ['A', 1], ['C', 2], ['G', 4], ['T', 8], ['U', 8],
    ['M', 3], ['R', 5], ['W', 9], ['S', 6], ['Y', 10], ['K', 12],
    ['V', 7], ['H', 11], ['D', 13], ['B', 14], ['N', 15],
  ];
  for (const [letter, mask] of letters) {
    MASK_OF_QUERY_CHAR[letter.charCodeAt(0)] = mask;
    MASK_OF_QUERY_CHAR[letter.toLowerCase().charCodeAt(0)] = mask;
  }
}
