// The three places a binding's cache keeps things, each with a chaos fake in between: KV (entries
// and stamps), the Cache API as L1 of a two-tier storage over real KV, and the Durable Object
// coordinator (stamps) beside real KV (entries). The @kvcache modules are handed in by the test:
// this package depends on none of them, since the coordinator's tests depend on Drizzle's binding,
// whose tests depend on this package, and turbo refuses a cycle.
import { vi } from 'vitest'
import { chaosCacheApiFake } from './chaos-cache-api-fake'
import { chaosCoordinatorFake } from './chaos-coordinator-fake'
import type { ChaosControls, ChaosPlan } from './chaos-engine'
import { chaosKvFake } from './chaos-kv-fake'

/**
 * The functions the backends are built from: `{ ...core, ...storageKv, ...storageCacheApi, ...coordinator }`.
 * Options are typed `object` so the real signatures fit; what is passed is spelled out below.
 */
export interface ChaosModules<C> {
  createCache(options: object): C
  storageVersions(options: object): unknown
  twoTierStorage(options: object): unknown
  kvStorage(namespace: unknown): unknown
  cacheApiStorage?(): unknown
  durableObjectVersions?(namespace: unknown, options: object): unknown
}

/** A cache event as the suite reads it (any `CacheEvent`), or a two-tier storage's tier event. */
export interface ChaosEvent {
  readonly type: string
  readonly [field: string]: unknown
}

/** One isolate's settings (each isolate is one `createCache` with state of its own). */
export interface IsolateSettings {
  readonly prefix: string
  readonly now: () => number
  /** Receives the cache's events, and the two-tier storage's tier events as `{ type: 'tier', ... }`. */
  readonly onEvent: (event: ChaosEvent) => void
  readonly waitUntil: (promise: Promise<unknown>) => void
  readonly timeoutMs: number
  /** Freshness of every entry, in seconds. */
  readonly ttlSeconds: number
  readonly breaker?: { readonly failureThreshold: number; readonly openSeconds: number }
  /** More `createCache` options the binding needs (Prisma's codec extensions...). */
  readonly extra?: Record<string, unknown>
}

export type ChaosBackendName = 'kv' | 'cache-api' | 'coordinator'

/** A backend with a fake in front: one fake per test, shared by every isolate of that test. */
export interface ChaosBackend<C> {
  readonly name: ChaosBackendName
  open(plan: ChaosPlan): { readonly chaos: ChaosControls; cacheFor(settings: IsolateSettings): C; close(): void }
}

/**
 * Background retries of a failed stamp write. KV's wait a second at least (its per-key write
 * interval, on real timers): none here, so a failed KV stamp write is reported at once (its
 * retries have tests of their own in storage-kv). The coordinator's retry within milliseconds.
 */
const KV_STAMP_RETRIES = 0
const COORDINATOR_RETRIES = 2
const COORDINATOR_RETRY_BASE_MS = 10

/**
 * The backends this runtime can build: KV and the Cache API always (`env.KV`, `caches.default`),
 * the coordinator when given its namespace and `durableObjectVersions`.
 */
export function chaosBackends<C>(modules: ChaosModules<C>, bindings: { readonly kv: object; readonly coordinator?: object }): ChaosBackend<C>[] {
  const { createCache, kvStorage, storageVersions, twoTierStorage, cacheApiStorage, durableObjectVersions } = modules
  const base = (settings: IsolateSettings) => ({
    prefix: settings.prefix,
    now: settings.now,
    onEvent: settings.onEvent,
    waitUntil: settings.waitUntil,
    timeoutMs: settings.timeoutMs,
    defaultTtlSeconds: settings.ttlSeconds,
    ...(settings.breaker && { breaker: settings.breaker }),
    ...settings.extra,
  })
  const stampsIn = (storage: unknown, settings: IsolateSettings) =>
    storageVersions({ storage, prefix: settings.prefix, timeoutMs: settings.timeoutMs, maxRetries: KV_STAMP_RETRIES, now: settings.now })

  const backends: ChaosBackend<C>[] = [
    {
      name: 'kv',
      open(plan) {
        const chaos = chaosKvFake(bindings.kv, plan)
        const cacheFor = (settings: IsolateSettings) => {
          const storage = kvStorage(chaos.namespace)
          return createCache({ ...base(settings), storage, versions: stampsIn(storage, settings) })
        }
        return { chaos, cacheFor, close: () => undefined }
      },
    },
  ]
  if (cacheApiStorage) {
    backends.push({
      name: 'cache-api',
      open(plan) {
        const chaos = chaosCacheApiFake((globalThis as unknown as { caches: { default: object } }).caches.default, plan)
        // cacheApiStorage looks `caches` up on every call: the fake stands in for it during the test.
        vi.stubGlobal('caches', chaos.caches)
        const cacheFor = (settings: IsolateSettings) => {
          const l2 = kvStorage(bindings.kv)
          // Tier events are how a failing L1 is reported (the cache itself sees an L2 answer).
          const onTierEvent = (event: object) => settings.onEvent({ ...event, type: 'tier' })
          const storage = twoTierStorage({ l1: cacheApiStorage(), l2, onTierEvent })
          return createCache({ ...base(settings), storage, versions: stampsIn(l2, settings) })
        }
        return { chaos, cacheFor, close: () => vi.unstubAllGlobals() }
      },
    })
  }
  const { coordinator } = bindings
  if (coordinator && durableObjectVersions) {
    backends.push({
      name: 'coordinator',
      open(plan) {
        const chaos = chaosCoordinatorFake(coordinator, plan)
        const cacheFor = (settings: IsolateSettings) => {
          const versions = durableObjectVersions(chaos.namespace, {
            prefix: settings.prefix,
            timeoutMs: settings.timeoutMs,
            retryBaseMs: COORDINATOR_RETRY_BASE_MS,
            maxRetries: COORDINATOR_RETRIES,
            now: settings.now,
          })
          return createCache({ ...base(settings), storage: kvStorage(bindings.kv), versions })
        }
        return { chaos, cacheFor, close: () => undefined }
      },
    })
  }
  return backends
}
