/**
 * The reference's SIMD capability levels. kmersearch has no SIMD code paths, so it reports the auto-detected
 * level 0 (`None`) everywhere (deviation F8); the names of the other levels are kept because
 * `kmersearch_simd_capability()` prints them and the error texts of `kmersearch.force_simd_capability` quote
 * the numbers.
 */

/** What the reference would have detected on this host: kmersearch always says "no SIMD". */
export const AUTO_DETECTED_SIMD_CAPABILITY = 0;

/** Highest level the reference knows on x86-64; larger forced values get their own error text. */
export const MAX_X86_64_SIMD_CAPABILITY = 6;

const simdCapabilityNames: ReadonlyMap<number, string> = new Map([
  [0, 'None'],
  [1, 'AVX2'],
  [2, 'AVX2+BMI2'],
  [3, 'AVX512F'],
  [4, 'AVX512F+AVX512BW'],
  [5, 'AVX512F+AVX512BW+AVX512VBMI'],
  [6, 'AVX512F+AVX512BW+AVX512VBMI+AVX512VBMI2'],
  [21, 'NEON'],
  [22, 'NEON+SVE'],
  [23, 'NEON+SVE+SVE2'],
]);

export function simdCapabilityName(level: number): string {
  return simdCapabilityNames.get(level) ?? 'Unknown';
}

/**
 * `kmersearch_simd_capability()`: the name of the level in use, and when `kmersearch.force_simd_capability`
 * is not −1 (auto) the auto-detected level it overrides, e.g. `None (forced from None)`.
 */
export function describeSimdCapability(forcedCapability: number): string {
  const autoDetected = simdCapabilityName(AUTO_DETECTED_SIMD_CAPABILITY);
  if (forcedCapability === -1) return autoDetected;
  return `${simdCapabilityName(forcedCapability)} (forced from ${autoDetected})`;
}

/** `kmersearch_show_buildno()`: the reference build whose behaviour kmersearch reproduces. */
export const BUILD_NUMBER = '0.1.2026.02.03';
