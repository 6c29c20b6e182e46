/** Seeded randomness: the same seed gives the same run, draw for draw. */
export interface Random {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [0, n). */
  int(n: number): number
  /** An integer in [min, max], inclusive. */
  between(min: number, max: number): number
  /** True with probability `p`. */
  chance(p: number): boolean
  /** An exponentially distributed duration with this mean, capped at `max`, in milliseconds. */
  exponential(meanMs: number, maxMs?: number): number
  /** An independent stream derived from this seed and a label (so adding draws in one place does not shift another). */
  fork(label: string): Random
}

/** mulberry32: a small, fast 32-bit PRNG (the one bench/lib/random.mjs uses). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** FNV-1a of a label, mixed into a seed for `fork`. */
function mix(seed: number, label: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193) >>> 0
  return hash
}

export function seededRandom(seed: number): Random {
  const next = mulberry32(seed)
  const random: Random = {
    next,
    int: (n) => Math.floor(next() * n),
    between: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    exponential(meanMs, maxMs = Number.POSITIVE_INFINITY) {
      // 1 - next() is in (0, 1], so the logarithm is finite.
      return Math.min(maxMs, Math.round(-meanMs * Math.log(1 - next())))
    },
    fork: (label) => seededRandom(mix(seed, label)),
  }
  return random
}
