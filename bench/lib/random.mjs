// Seeded randomness for benches: the same seed gives the same sequence on every run.

/** mulberry32: a small, fast 32-bit PRNG; returns a function yielding floats in [0, 1). */
export function seededRandom(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Zipf-distributed ranks 1..n: rank k is drawn with probability proportional to 1 / k^exponent.
 * exponent 0.99 is YCSB's default (a few keys take most reads, with a long tail).
 */
export function zipf({ n, exponent = 0.99, random }) {
  const cumulative = new Float64Array(n)
  let sum = 0
  for (let k = 1; k <= n; k++) {
    sum += 1 / k ** exponent
    cumulative[k - 1] = sum
  }
  return () => {
    const target = random() * sum
    let low = 0
    let high = n - 1
    while (low < high) {
      const middle = (low + high) >>> 1
      if (cumulative[middle] < target) low = middle + 1
      else high = middle
    }
    return low + 1
  }
}
