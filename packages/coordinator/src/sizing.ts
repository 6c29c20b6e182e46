import { kvCacheError } from '@kvcache/core/storage'
import type { CoordinatorLoad } from './load-meter'
import { settingsOf, type DurableObjectVersionsOptions } from './options'
import { createShardCaller, type CoordinatorNamespaceLike } from './shard-caller'
import { shardName, type ShardLayout } from './shards'

/** One object's recent load. */
export interface ShardLoad extends CoordinatorLoad {
  readonly name: string
  /** The tenant it was asked for (`''` without one); a bucket serves several. */
  readonly tenant: string
}

/** What `recommendShards` suggests. */
export interface ShardRecommendation {
  /** Calls per second one object is assumed to serve. */
  readonly capacityPerSecond: number
  /** The busiest object and its peak as a fraction of `capacityPerSecond`. */
  readonly busiest: { readonly name: string; readonly peakPerSecond: number; readonly utilization: number } | undefined
  /** Objects per tenant (bucket) that keep the busiest group under the target utilization. */
  readonly scopeShards: number
  /** Why, in words: what to change, and what more shards cannot fix. */
  readonly notes: readonly string[]
}

/** Options for `recommendShards`. */
export interface RecommendOptions {
  /** Calls per second one object serves. @default 1000 */
  readonly capacityPerSecond?: number
  /** Fraction of that capacity to plan for, leaving headroom for bursts. @default 0.5 */
  readonly targetUtilization?: number
}

/**
 * Sizes shards from measured load: enough objects per group that the group's peak, spread
 * evenly, stays under `targetUtilization` of one object's capacity. A pure function, so it can be
 * fed any measurements (e.g. collected over a day).
 */
export function recommendShards(shards: readonly ShardLoad[], layout: ShardLayout, options: RecommendOptions = {}): ShardRecommendation {
  const capacityPerSecond = options.capacityPerSecond ?? 1000
  const target = options.targetUtilization ?? 0.5
  if (!(capacityPerSecond > 0) || !(target > 0 && target <= 1)) {
    throw kvCacheError('INVALID_OPTION', 'coordinator', 'Options `capacityPerSecond` must be > 0 and `targetUtilization` in (0, 1].')
  }
  const budget = capacityPerSecond * target
  const groups = new Map<string, number>()
  for (const shard of shards) {
    const group = shard.name.slice(0, shard.name.lastIndexOf('/'))
    groups.set(group, (groups.get(group) ?? 0) + shard.peakPerSecond)
  }
  const neededPerGroup = Math.max(1, ...[...groups.values()].map((peak) => Math.ceil(peak / budget)))
  const top = [...shards].sort((a, b) => b.peakPerSecond - a.peakPerSecond)[0]
  const busiest = top && { name: top.name, peakPerSecond: top.peakPerSecond, utilization: top.peakPerSecond / capacityPerSecond }
  const notes: string[] = []
  const scopeShards = Math.max(layout.scopeShards, neededPerGroup)
  if (neededPerGroup > layout.scopeShards) {
    notes.push(
      `Raise \`scopeShards\` from ${layout.scopeShards} to ${neededPerGroup}: the busiest group peaks at ${Math.max(...groups.values())} calls/s, over ${Math.round(target * 100)}% of ${layout.scopeShards} object(s).`,
    )
  }
  if (busiest && busiest.peakPerSecond > budget && neededPerGroup <= layout.scopeShards) {
    notes.push(
      `${busiest.name} alone peaks at ${busiest.peakPerSecond} calls/s while its group fits its objects: one table or tag is hot, and more shards will not split it. Consider \`trustSeconds\` for that traffic.`,
    )
  }
  if (notes.length === 0) notes.push('Every object is within the target utilization.')
  return { capacityPerSecond, busiest, scopeShards, notes }
}

/**
 * Asks every object of the given tenants for its load over the last minute (objects count their
 * own calls, so this is the global rate, not one isolate's view). Use the same options as
 * `durableObjectVersions`. Asking creates an object that did not exist yet, harmlessly.
 */
export async function coordinatorLoad(
  namespace: CoordinatorNamespaceLike,
  options: DurableObjectVersionsOptions & { readonly tenants?: readonly string[] } & RecommendOptions,
): Promise<{ readonly shards: ShardLoad[]; readonly recommendation: ShardRecommendation }> {
  const { tenants = [''], capacityPerSecond, targetUtilization, ...storeOptions } = options
  const settings = settingsOf('coordinator', storeOptions)
  const caller = createShardCaller(namespace, settings)
  const targets = new Map<string, string>()
  for (const tenant of tenants) {
    for (let index = 0; index < settings.layout.scopeShards; index++) {
      const name = shardName(settings.layout, tenant, index)
      if (!targets.has(name)) targets.set(name, tenant)
    }
  }
  const shards = await Promise.all([...targets].map(async ([name, tenant]) => ({ ...(await caller.load({ name, tenant })), name, tenant })))
  const recommend: RecommendOptions = {
    ...(capacityPerSecond === undefined ? {} : { capacityPerSecond }),
    ...(targetUtilization === undefined ? {} : { targetUtilization }),
  }
  return { shards, recommendation: recommendShards(shards, settings.layout, recommend) }
}
