import { createCache, memoryStorage, memoryVersions, storageVersions, twoTierStorage, type Cache, type CacheOptions } from '@kvcache/core'
import { durableObjectVersions } from '../../coordinator/src/client'
import { coordinatorRetryWindowMs, kvBoundMs } from './bounds'
import { simulatedCoordinator, type CoordinatorOutages } from './simulated-coordinator'
import { at, perIsolate, type Scenario, type System, type World, type WorkerRequest, type WorldSettings } from './world'

/*
 * Our modes: the cache exercised only through @kvcache/core's public API, one `createCache` per
 * simulated isolate. A read is `wrap(key, loader, { tables: [key] })`; a write goes to the source
 * first and then `invalidate({ tables: [key] })`, as the bindings do.
 */

/** A `System` over per-isolate caches; with `bookmarks`, each client carries `cache.bookmark()` to its next request. */
export function cacheSystem(world: World, caches: Cache[][], bookmarks: boolean): System {
  const viewFor = (request: WorkerRequest) =>
    at(caches, request).withContext({ waitUntil: request.waitUntil, ...(bookmarks && request.client.bookmark && { bookmark: request.client.bookmark }) })
  return {
    async read(request, key, query) {
      const view = viewFor(request)
      const value = await view.wrap(`${key}/q${query}`, () => world.source.read(key), { tables: [key] })
      if (bookmarks) request.client.bookmark = view.bookmark()
      return value
    },
    async write(request, key, value) {
      const view = viewFor(request)
      await world.source.write(key, value)
      await view.invalidate({ tables: [key] })
      if (bookmarks) request.client.bookmark = view.bookmark()
    },
  }
}

/** One cache per isolate over the location's simulated KV, stamps in the same KV. */
export function kvCaches(world: World, extra: Partial<CacheOptions> = {}): Cache[][] {
  const { settings, kv, time } = world
  return perIsolate(settings, (location) => {
    const storage = kv.storageAt(location, { cacheTtlSeconds: settings.cacheTtlSeconds })
    const options: CacheOptions = {
      storage,
      versions: storageVersions({ storage, now: time.now }),
      now: time.now,
      defaultTtlSeconds: settings.entryTtlSeconds,
      ...extra,
    }
    return createCache(options)
  })
}

const kvBound = (settings: WorldSettings) => ({ staleMs: kvBoundMs(settings) })

export const kvStamps: Scenario = {
  name: 'KV stamps',
  summary: 'storageVersions over the simulated KV; bound: stamp write allowance + propagation max + cacheTtl',
  expect: 'within-bound',
  bound: kvBound,
  build: (world) => cacheSystem(world, kvCaches(world), false),
}

export const kvBookmark: Scenario = {
  name: 'KV stamps + session bookmark',
  summary: 'as KV stamps, each client carrying cache.bookmark() across requests; bound: the KV bound, and 0 for its own writes and reads',
  expect: 'within-bound',
  bound: (settings) => ({ ...kvBound(settings), sessionStaleMs: 0 }),
  build: (world) => cacheSystem(world, kvCaches(world), true),
}

export const twoTierTrust: Scenario = {
  name: 'two-tier + trust window',
  summary: 'twoTierStorage (per-location L1, KV L2) with stampTrustSeconds; bound: the KV bound + the trust window',
  expect: 'within-bound',
  bound: (settings) => ({ staleMs: kvBoundMs(settings) + settings.trustSeconds * 1000 }),
  build(world) {
    const { settings, kv, time } = world
    // The Cache API is per location (data center), shared by its isolates, and may evict.
    const l1s = Array.from({ length: settings.locations }, () => memoryStorage({ now: time.now, maxEntries: 10_000 }))
    const caches = perIsolate(settings, (location) => {
      const l2 = kv.storageAt(location, { cacheTtlSeconds: settings.cacheTtlSeconds })
      const storage = twoTierStorage({ l1: l1s[location] as ReturnType<typeof memoryStorage>, l2 })
      return createCache({
        storage,
        versions: storageVersions({ storage: l2, now: time.now }),
        now: time.now,
        defaultTtlSeconds: settings.entryTtlSeconds,
        stampTrustSeconds: settings.trustSeconds,
      })
    })
    return cacheSystem(world, caches, false)
  },
}

const lagBound = (settings: WorldSettings) => ({ staleMs: kvBoundMs(settings) + settings.sourceLagMs })

export const laggingSource: Scenario = {
  name: 'lagging source, no sourceLagSeconds',
  summary: 'KV stamps over a source answering as of sourceLagMs ago, lag not declared: a control, results older than a bump are stored under fresh stamps',
  expect: 'violations',
  sourceLagMs: (settings) => settings.sourceLagMs,
  bound: lagBound,
  build: (world) => cacheSystem(world, kvCaches(world), false),
}

export const laggingSourceDeclared: Scenario = {
  name: 'lagging source + sourceLagSeconds',
  summary: 'the same source with createCache({ sourceLagSeconds }); bound: the KV bound + the lag (never staler than the source)',
  expect: 'within-bound',
  sourceLagMs: (settings) => settings.sourceLagMs,
  bound: lagBound,
  build: (world) => cacheSystem(world, kvCaches(world, { sourceLagSeconds: world.settings.sourceLagMs / 1000 }), false),
}

export const memoryProcess: Scenario = {
  name: 'memory (one process)',
  summary: 'memoryStorage + memoryVersions shared by the caches of one process; bound: 0 (immediate)',
  expect: 'within-bound',
  topology: { locations: 1 },
  bound: () => ({ staleMs: 0 }),
  build(world) {
    const { settings, time } = world
    const storage = memoryStorage({ now: time.now })
    const versions = memoryVersions({ now: time.now })
    const caches = perIsolate(settings, () => createCache({ storage, versions, now: time.now, defaultTtlSeconds: settings.entryTtlSeconds }))
    return cacheSystem(world, caches, false)
  },
}

/**
 * One cache per isolate: entries in the location's simulated KV, stamps in simulated coordinator
 * objects read and bumped by the real `durableObjectVersions` client (its defaults: one object,
 * no trust window, so `consistency: 'strong'`).
 */
function coordinatorSystem(world: World, faults: { readonly outages?: CoordinatorOutages } = {}): System {
  const { settings, kv, time } = world
  const coordinator = simulatedCoordinator({
    time,
    random: world.random.fork('coordinator'),
    latencyMs: settings.coordinatorLatencyMs,
    ...faults,
  })
  const caches = perIsolate(settings, (location) =>
    createCache({
      storage: kv.storageAt(location, { cacheTtlSeconds: settings.cacheTtlSeconds }),
      versions: durableObjectVersions(coordinator.namespace, { now: time.now }),
      now: time.now,
      defaultTtlSeconds: settings.entryTtlSeconds,
    }),
  )
  return { ...cacheSystem(world, caches, false), counters: coordinator.stats }
}

export const durableObject: Scenario = {
  name: 'Durable Object coordinator (simulated object)',
  summary:
    'durableObjectVersions over simulated objects (real stamp table, atomic calls); bound: 0, a read that starts after a write returned sees it (strong)',
  expect: 'within-bound',
  bound: () => ({ staleMs: 0 }),
  build: (world) => coordinatorSystem(world),
}

export const durableObjectFailingBumps: Scenario = {
  name: 'Durable Object coordinator, failing bumps',
  summary:
    'the same, each object refusing or losing the answer of every bump during outages shorter than the retry delays; bound: the client retry window, 0 in the writer isolate',
  expect: 'within-bound',
  bound: () => ({ staleMs: coordinatorRetryWindowMs(), isolateStaleMs: 0 }),
  build: (world) => coordinatorSystem(world, { outages: world.settings.coordinatorOutages }),
}

/** Our modes, in table order. */
export const OUR_MODES: readonly Scenario[] = [
  memoryProcess,
  kvStamps,
  kvBookmark,
  twoTierTrust,
  laggingSource,
  laggingSourceDeclared,
  durableObject,
  durableObjectFailingBumps,
]
