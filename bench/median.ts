/** The median of the benchmarks' samples (the upper middle for an even count), shared by every bench file. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}
