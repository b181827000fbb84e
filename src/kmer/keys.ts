/**
 * The shape in which k-mer keys travel between layers (reference core §2.3: key = k-mer << b | (occurrence − 1)).
 *
 * Keys of total width T = 2k + b ≤ 53 bits are exact JS numbers in a Float64Array ("narrow"); wider keys
 * (up to 64 bits) are kept as two unsigned 32-bit halves ("wide"). Hot paths never use BigInt.
 */
export interface KeyLayout {
  /** k: 4 … 32. */
  readonly kmerSize: number;
  /** b: 0 … 16. */
  readonly occurrenceBits: number;
  /** T = 2k + b. */
  readonly totalBits: number;
  /** True when T > 53: keys are stored as high/low 32-bit halves. */
  readonly wide: boolean;
}

/** An immutable list of distinct keys, sorted ascending as unsigned integers (used for queries and caches). */
export type SortedKeys =
  | { readonly layout: KeyLayout; readonly wide: false; readonly count: number; readonly values: Float64Array }
  | {
      readonly layout: KeyLayout;
      readonly wide: true;
      readonly count: number;
      readonly high: Uint32Array;
      readonly low: Uint32Array;
    };

/**
 * Any list of keys in one layout, in no particular order. Extraction results are KeyLists whose arrays are an
 * extractor's reusable buffers (longer than `count`); a SortedKeys is a KeyList with the extra guarantees.
 */
export type KeyList =
  | { readonly layout: KeyLayout; readonly wide: false; readonly count: number; readonly values: Float64Array }
  | {
      readonly layout: KeyLayout;
      readonly wide: true;
      readonly count: number;
      readonly high: Uint32Array;
      readonly low: Uint32Array;
    };
