/**
 * The packed DNA value shared by every layer (reference core §1): a bit length L and ceil(L/8) data bytes,
 * bases packed most-significant-bit first, 2 bits per base for DNA2 and a 4-bit IUPAC mask for DNA4.
 * This is exactly the reference's storage and binary layout, so storage and export are byte copies.
 */
export type DnaKind = 'dna2' | 'dna4';

export interface DnaValue {
  readonly kind: DnaKind;
  /** L: 2 × bases for DNA2, 4 × bases for DNA4. */
  readonly bitLength: number;
  /** ceil(L / 8) bytes; unused trailing bits are zero (deviation F8). */
  readonly data: Uint8Array;
}

/** Bits per base of a kind: 2 for DNA2, 4 for DNA4. */
export function bitsPerBase(kind: DnaKind): 2 | 4 {
  return kind === 'dna2' ? 2 : 4;
}
