import { bulkGet } from './bulk-get'
import { kvCacheError } from './errors'
import { reportOperation } from './operations'
import { assertKnownOptions, assertPositive } from './options'
import { byteLength } from './text'
import type { Storage, StorageContext } from './types'

/** What a tier reports when it steps aside for one value or one call. */
export interface TierEvent {
  readonly tier: 'l1' | 'l2'
  readonly key: string
  readonly reason: 'oversized' | 'error'
  readonly error?: unknown
}

/** Options for `twoTierStorage`. */
export interface TwoTierOptions {
  /** The fast, local tier (Cache API, memory). May evict; never holds version stamps. */
  readonly l1: Storage
  /** The shared, durable tier (KV). Holds version stamps and every entry. */
  readonly l2: Storage
  /** L1 keeps a copy for this fraction of the L2 TTL (at least 1 s). @default 0.1 */
  readonly l1TtlRatio?: number
  /** Copy L2 hits into L1 in the background. @default true */
  readonly promoteOnGet?: boolean
  /** TTL of a promoted copy in L1, in seconds (L2 does not tell how long an entry has left). @default 30 */
  readonly promoteTtlSeconds?: number
  /** Fallback for promotions when a call brings no `waitUntil` of its own. */
  readonly waitUntil?: (promise: Promise<unknown>) => void
  /** Told when a tier is skipped for a value (oversized) or failed (L1 errors never fail a read). */
  readonly onTierEvent?: (event: TierEvent) => void
}

/**
 * Reads L1, then L2; an L2 hit is returned at once and copied into L1 in the background. Writes
 * go to L2 first, then L1 with a shorter TTL. Version stamps stay in L2 (`durableTier`), so an L1
 * copy of an invalidated entry is still a miss: the core checks its stamps against L2.
 *
 * @example
 * const storage = twoTierStorage({ l1: cacheApiStorage(), l2: kvStorage(env.CACHE_KV) })
 */
export function twoTierStorage(options: TwoTierOptions): Storage & { settled(): Promise<void> } {
  validate(options)
  const { l1, l2 } = options
  const tiers = createTiers(options)
  const getMany = l2.getMany ? bulkRead(tiers, l2, l2.getMany.bind(l2)) : undefined
  return {
    name: `two-tier(${l1.name}+${l2.name})`,
    capabilities: {
      minTtlSeconds: l2.capabilities.minTtlSeconds,
      maxKeyBytes: Math.min(l1.capabilities.maxKeyBytes, l2.capabilities.maxKeyBytes),
      // Values too big for L1 but fine for L2 are kept in L2 only.
      maxValueBytes: l2.capabilities.maxValueBytes,
      // The core reads stamps from `durableTier` directly, never through L1.
      maxBatchGet: getMany ? l2.capabilities.maxBatchGet : 1,
      minWriteIntervalMs: l2.capabilities.minWriteIntervalMs,
      durable: l2.capabilities.durable,
      reach: l2.capabilities.reach,
      globalDelete: l1.capabilities.globalDelete && l2.capabilities.globalDelete,
      listKeys: false,
    },
    durableTier: l2.durableTier ?? l2,
    // Each tier's calls are reported here, with their tier; the core does not count this storage's.
    reportsOperations: true,
    ...(getMany && { getMany }),
    async readWithDurable(key, durableKeys, context) {
      // L1 first: on a hit only the durable keys (stamps) go to L2; on a miss the entry joins them.
      const local = await tiers.readL1(key, context)
      const durable = await bulkGet(l2, local === null ? [key, ...durableKeys] : durableKeys, context, 'L2')
      const value = local ?? durable.get(key) ?? null
      if (local === null && value !== null) tiers.promoteLater(key, value, context)
      return { value, durable, ...(value !== null && { tier: local === null ? 'L2' : 'L1' }) }
    },
    async get(key, context) {
      const local = await tiers.readL1(key, context)
      if (local !== null) return local
      reportOperation(l2, context, 'read', 1, 'L2')
      const shared = await l2.get(key, context)
      if (shared !== null) tiers.promoteLater(key, shared, context)
      return shared
    },
    async set(key, value, setOptions, context) {
      // The core never sends more than `maxValueBytes` (L2's); direct callers get the same per-tier skip.
      if (tiers.fits('l2', key, value)) {
        reportOperation(l2, context, 'write', 1, 'L2')
        await l2.set(key, value, setOptions, context)
      }
      // Values without a TTL are durable data (stamps): they belong to L2 alone.
      if (setOptions?.ttlSeconds !== undefined) await tiers.writeL1(key, value, tiers.l1Ttl(setOptions.ttlSeconds), context)
    },
    async delete(key, context) {
      reportOperation(l2, context, 'delete', 1, 'L2')
      await l2.delete(key, context)
      try {
        reportOperation(l1, context, 'delete', 1, 'L1')
        await l1.delete(key, context)
      } catch (error) {
        tiers.report({ tier: 'l1', key, reason: 'error', error })
      }
    },
    settled: tiers.settled,
  }
}

function validate(options: TwoTierOptions): void {
  const where = 'two-tier'
  assertKnownOptions(where, options, ['l1', 'l2', 'l1TtlRatio', 'promoteOnGet', 'promoteTtlSeconds', 'waitUntil', 'onTierEvent'])
  for (const name of ['l1', 'l2'] as const) {
    const tier = options[name]
    if (!tier || typeof tier.get !== 'function' || typeof tier.set !== 'function') {
      throw kvCacheError('MISSING_BINDING', where, `Missing required option \`${name}\` (a Storage, e.g. cacheApiStorage() or kvStorage(env.KV)).`)
    }
  }
  assertPositive(where, 'l1TtlRatio', options.l1TtlRatio)
  assertPositive(where, 'promoteTtlSeconds', options.promoteTtlSeconds)
  if (options.l1TtlRatio !== undefined && options.l1TtlRatio > 1) {
    throw kvCacheError('INVALID_OPTION', where, `Option \`l1TtlRatio\` must be at most 1, got ${options.l1TtlRatio}.`)
  }
}

/** The per-tier moves: read L1 without failing, write L1 when the value fits, promote in the background. */
function createTiers(options: TwoTierOptions) {
  const { l1 } = options
  const ratio = options.l1TtlRatio ?? 0.1
  const promoteTtlSeconds = options.promoteTtlSeconds ?? 30
  const pending = new Set<Promise<unknown>>()
  const report = (event: TierEvent) => {
    try {
      options.onTierEvent?.(event)
    } catch {
      // Reporting must never break a read.
    }
  }
  const fits = (tier: 'l1' | 'l2', key: string, value: string) => {
    if (byteLength(value) <= options[tier].capabilities.maxValueBytes) return true
    report({ tier, key, reason: 'oversized' })
    return false
  }
  const writeL1 = async (key: string, value: string, ttlSeconds: number, context: StorageContext | undefined) => {
    if (!fits('l1', key, value)) return
    try {
      reportOperation(l1, context, 'write', 1, 'L1')
      await l1.set(key, value, { ttlSeconds }, context)
    } catch (error) {
      report({ tier: 'l1', key, reason: 'error', error })
    }
  }
  return {
    report,
    fits,
    writeL1,
    l1Ttl: (ttlSeconds: number) => Math.max(1, l1.capabilities.minTtlSeconds, Math.round(ttlSeconds * ratio)),
    async readL1(key: string, context?: StorageContext): Promise<string | null> {
      try {
        reportOperation(l1, context, 'read', 1, 'L1')
        return await l1.get(key, context)
      } catch (error) {
        // A broken L1 only costs speed: fall through to L2.
        report({ tier: 'l1', key, reason: 'error', error })
        return null
      }
    },
    promoteLater(key: string, value: string, context: StorageContext | undefined) {
      if (options.promoteOnGet === false) return
      const work = writeL1(key, value, promoteTtlSeconds, context)
      pending.add(work)
      void work.finally(() => pending.delete(work))
      ;(context?.waitUntil ?? options.waitUntil)?.(work)
    },
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending])
    },
  }
}

/** Bulk read when L2 has one: each key tries L1 first, the rest go to L2 in one call and are promoted. */
function bulkRead(tiers: ReturnType<typeof createTiers>, l2: Storage, l2GetMany: NonNullable<Storage['getMany']>): NonNullable<Storage['getMany']> {
  return async (keys, context) => {
    const locals = await Promise.all(keys.map((key) => tiers.readL1(key, context)))
    const found = new Map<string, string | null>()
    const rest = keys.filter((key, i) => {
      const local = locals[i] ?? null
      if (local !== null) found.set(key, local)
      return local === null
    })
    if (rest.length === 0) return found
    reportOperation(l2, context, 'read', rest.length, 'L2')
    const shared = await l2GetMany(rest, context)
    for (const key of rest) {
      const value = shared.get(key) ?? null
      found.set(key, value)
      if (value !== null) tiers.promoteLater(key, value, context)
    }
    return found
  }
}
