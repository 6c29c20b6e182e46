import type { Random } from './random'
import type { WorldSettings } from './world'

/**
 * How often each query is asked, when not every one equally often: a few popular queries, a long
 * tail of rare ones, and queries asked once (a search, a page nobody opens again).
 */
export interface Popularity {
  /**
   * Zipf exponent over the `keys × queriesPerKey` repeated queries: the n-th most popular is asked
   * 1/n^s as often as the first. Ranks alternate keys (rank r reads key r mod keys).
   */
  readonly zipfExponent: number
  /** Fraction of reads that are one-off queries: a key chosen uniformly, a query no other read asks. */
  readonly oneOffRatio: number
}

/** What one read asks for: a key, and which of its queries (each query is its own cache key). */
export interface ReadTarget {
  readonly key: string
  readonly query: number
}

/** Chooses what clients read and write. One per run: one-off queries are numbered across its clients. */
export interface Picker {
  /** The key a burst of writes goes to: uniform over the keys. */
  writeKey(random: Random): string
  read(random: Random): ReadTarget
}

/**
 * The picker of a world: uniform over keys and queries without `settings.popularity` (drawing a key,
 * then a query, as the checker always has), Zipf-ranked queries plus one-offs with it.
 */
export function pickerOf(settings: WorldSettings, keys: readonly string[]): Picker {
  const uniformKey = (random: Random) => keys[random.int(keys.length)] as string
  const { popularity } = settings
  if (popularity === undefined) {
    return {
      writeKey: uniformKey,
      read: (random) => ({ key: uniformKey(random), query: random.int(settings.queriesPerKey) }),
    }
  }
  const rank = zipfSampler(keys.length * settings.queriesPerKey, popularity.zipfExponent)
  // One-off queries are numbered past the repeated ones, so none is ever asked twice.
  let oneOffs = 0
  return {
    writeKey: uniformKey,
    read(random) {
      if (random.chance(popularity.oneOffRatio)) return { key: uniformKey(random), query: settings.queriesPerKey + oneOffs++ }
      const r = rank(random)
      return { key: keys[r % keys.length] as string, query: Math.floor(r / keys.length) }
    },
  }
}

/** Draws a rank in [0, n) with P(r) proportional to 1 / (r + 1)^s: one uniform draw, a binary search over the cumulative weights. */
export function zipfSampler(n: number, s: number): (random: Random) => number {
  const cumulative: number[] = []
  let total = 0
  for (let r = 0; r < n; r++) cumulative.push((total += 1 / (r + 1) ** s))
  return (random) => {
    const target = random.next() * total
    let low = 0
    let high = n - 1
    while (low < high) {
      const middle = (low + high) >>> 1
      if ((cumulative[middle] as number) > target) high = middle
      else low = middle + 1
    }
    return low
  }
}
