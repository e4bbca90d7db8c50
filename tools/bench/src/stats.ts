/** Percentile of a sample (nearest rank); `sorted` must be ascending. */
export const percentile = (sorted: number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
};

export const ascending = (values: number[]): number[] => [...values].sort((a, b) => a - b);

export const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;
