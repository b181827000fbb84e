/**
 * The six GIN operator classes `kmersearch_{dna2,dna4}_gin_ops_{int2,int4,int8}` as far as keys are concerned:
 * which storage width fits a configuration, the width check of reference core §2.4 item 1 with its exact texts,
 * and the two's-complement reinterpretation of an unsigned key as the signed storage integer.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import type { KeyList } from './keys.js';
import { keyToBigInt } from './key-format.js';

export type GinStorageClass = 'int2' | 'int4' | 'int8';

export const GIN_STORAGE_CLASSES: readonly GinStorageClass[] = Object.freeze(['int2', 'int4', 'int8']);

/** Storage capacity in bits. */
export function storageClassBits(storageClass: GinStorageClass): 16 | 32 | 64 {
  return storageClass === 'int2' ? 16 : storageClass === 'int4' ? 32 : 64;
}

/** The narrowest class holding T = 2k + b bits (the reference's "optimal" class; int8 also when T > 64). */
export function optimalStorageClass(totalBits: number): GinStorageClass {
  return totalBits <= 16 ? 'int2' : totalBits <= 32 ? 'int4' : 'int8';
}

/**
 * The error the reference raises when an operator class does not fit k and b — too small or wider than the
 * optimal class — or undefined when it fits. k and b are taken raw: the check runs before extraction, so T may
 * exceed 64 (then even int8 "cannot store" it).
 */
export function operatorClassWidthError(
  storageClass: GinStorageClass,
  kmerSize: number,
  occurrenceBits: number,
): KmerSearchError | undefined {
  const totalBits = 2 * kmerSize + occurrenceBits;
  const capacity = storageClassBits(storageClass);
  const optimal = optimalStorageClass(totalBits);
  if (totalBits > capacity) {
    return new KmerSearchError(
      SqlState.invalidParameterValue,
      `operator class kmersearch_*_gin_ops_${storageClass} cannot store current configuration`,
      {
        detail: `Required bits: ${totalBits} (kmer_size=${kmerSize} * 2 + occur_bitlen=${occurrenceBits}), Storage capacity: ${capacity} bits`,
        hint: `Use kmersearch_*_gin_ops_${optimal} operator class for this configuration`,
      },
    );
  }
  if (optimal !== storageClass) {
    return new KmerSearchError(
      SqlState.invalidParameterValue,
      `operator class kmersearch_*_gin_ops_${storageClass} is not optimal for current configuration`,
      {
        detail: `Current configuration requires ${totalBits} bits (kmer_size=${kmerSize} * 2 + occur_bitlen=${occurrenceBits})`,
        hint: `Use kmersearch_*_gin_ops_${optimal} operator class for optimal performance and memory usage`,
      },
    );
  }
  return undefined;
}

/** Throws operatorClassWidthError's error, if any. */
export function checkOperatorClassWidth(storageClass: GinStorageClass, kmerSize: number, occurrenceBits: number): void {
  const error = operatorClassWidthError(storageClass, kmerSize, occurrenceBits);
  if (error !== undefined) throw error;
}

/** Two's-complement reinterpretation of an unsigned key as int2/int4/int8 (k=4, b=8: 55296 → −10240). */
export function toSignedStorage(unsignedKey: bigint, storageClass: GinStorageClass): bigint {
  return BigInt.asIntN(storageClassBits(storageClass), unsignedKey);
}

/** Key `index` of `keys` as GIN stores it in `storageClass`. */
export function signedStorageValue(keys: KeyList, index: number, storageClass: GinStorageClass): bigint {
  return toSignedStorage(keyToBigInt(keys, index), storageClass);
}
