/**
 * Exact order statistics for report buckets: the value of rank k (0-based) of an unsorted Float64Array,
 * for a low and a high rank at once (p50 and p95), without sorting.
 *
 * A bucket holds thousands of latencies. Quickselect over all of them costs ~16 ns per value here (its
 * partition loop is branchy, and it runs twice); a counting pass is ~1 ns. So the values are first counted
 * into equal-width bins between their minimum and maximum: the bin that holds each rank is known from the
 * running counts, only that bin's values are copied out, and quickselect finds the rank among them. The
 * mapping value → bin is monotone (subtracting a constant and scaling by a positive one keep the order, and
 * truncation too), so the bins split the values in order and the answer is exact. Values crowded into one
 * bin (a few outliers stretching the range) only make that bin larger: the cost falls back to quickselect's.
 */

/** Below this many values quickselect alone is as fast as counting. */
const SMALL = 256;
/** At most this many bins (a bin per ~4 values below that). */
const MAX_BINS = 4096;

const counts = new Int32Array(MAX_BINS);
let scratch = new Float64Array(1024);

/**
 * The values of rank `low` and `high` (0 ≤ low ≤ high < values.length) given the values' minimum and
 * maximum (finite). May reorder `values`.
 */
export function twoRanks(values: Float64Array, low: number, high: number, min: number, max: number): [number, number] {
  const n = values.length;
  if (n <= SMALL || !(max > min)) return bySelection(values, low, high);
  const bins = Math.min(MAX_BINS, n >> 2);
  // (bins − 0.5) keeps the maximum in the last bin despite rounding.
  const scale = (bins - 0.5) / (max - min);
  counts.fill(0, 0, bins);
  for (let i = 0; i < n; i++) counts[((values[i]! - min) * scale) | 0]!++;
  let below = 0;
  let bin = 0;
  while (below + counts[bin]! <= low) below += counts[bin++]!;
  const lowBin = bin;
  const belowLow = below;
  while (below + counts[bin]! <= high) below += counts[bin++]!;
  const highBin = bin;
  const belowHigh = below;
  // The two bins' values (one bin when both ranks fall in it), the low bin's first.
  const lowCount = counts[lowBin]!;
  const all = lowBin === highBin ? lowCount : lowCount + counts[highBin]!;
  const out = room(all);
  let l = 0;
  let h = lowCount;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const b = ((v - min) * scale) | 0;
    if (b === lowBin) out[l++] = v;
    else if (b === highBin) out[h++] = v;
  }
  if (lowBin === highBin) return bySelection(out.subarray(0, all), low - belowLow, high - belowLow);
  select(out, low - belowLow, 0, lowCount - 1);
  select(out, lowCount + high - belowHigh, lowCount, all - 1);
  return [out[low - belowLow]!, out[lowCount + high - belowHigh]!];
}

function bySelection(values: Float64Array, low: number, high: number): [number, number] {
  // The high rank is searched above the low one, which selection leaves with everything before it no
  // greater and everything after no smaller.
  select(values, low, 0, values.length - 1);
  select(values, high, low, values.length - 1);
  return [values[low]!, values[high]!];
}

/** A scratch array of at least `n` values, reused between calls (the server aggregates one bucket at a time). */
function room(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  return scratch;
}

/** Quickselect (Hoare partition, median-of-three pivot): puts the k-th smallest of a[lo..hi] at index k. */
function select(a: Float64Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) swap(a, i++, j--);
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
