// One modeled Cloudflare location of the production model: its own KV edge copies, Cache API,
// Hyperdrive query cache and one cache per mode (in-isolate state included), all over the same
// shared KV namespace, coordinator objects, D1 databases and PostgreSQL.
import { createCache, twoTierStorage, type Cache } from '@kvcache/core'
import { cacheApiStorage } from '@kvcache/storage-cache-api'
import { kvStorage } from '@kvcache/storage-kv'
// The bench package does not list the coordinator as a dependency: its sources are bundled directly.
import { durableObjectVersions, type KvCacheCoordinator } from '../../packages/coordinator/src/index.ts'
import type { LatencyModel } from '../lib/production-model/latency'
import { modeledCoordinator } from '../lib/production-model/modeled-coordinator'
import { hyperdriveQueryCache, type HyperdriveQueryCache } from '../lib/production-model/modeled-hyperdrive-cache'
import { modeledKv } from '../lib/production-model/modeled-kv'

export interface Env {
  DB: D1Database
  REPLICA: D1Database
  CACHE_KV: KVNamespace
  HYPERDRIVE: Hyperdrive
  COORDINATOR: DurableObjectNamespace<KvCacheCoordinator>
  PG_SCHEMA: string
  MODEL_SEED: string
  /** JSON array: functions PostgreSQL marks volatile or stable (Hyperdrive does not cache statements calling them). */
  PG_NON_IMMUTABLE: string
}

export type CacheMode = 'kv' | 'two-tier' | 'coordinator'

export interface Location {
  readonly caches: Record<CacheMode, Cache>
  readonly hyperdriveCache: HyperdriveQueryCache
}

const TTL_SECONDS = 300

export function createLocation(env: Env, name: string, model: LatencyModel): Location {
  const kv = modeledKv(env.CACHE_KV, model)
  const coordinator = modeledCoordinator(env.COORDINATOR, model)
  return {
    caches: {
      kv: createCache({ storage: kvStorage(kv), prefix: 'pm-kv', defaultTtlSeconds: TTL_SECONDS }),
      'two-tier': createCache({
        storage: twoTierStorage({ l1: cacheApiStorage({ cacheName: `production-model-${name}` }), l2: kvStorage(kv) }),
        prefix: 'pm-tt',
        defaultTtlSeconds: TTL_SECONDS,
      }),
      coordinator: createCache({
        storage: kvStorage(kv),
        prefix: 'pm-co',
        defaultTtlSeconds: TTL_SECONDS,
        versions: durableObjectVersions(coordinator, { prefix: 'pm-co' }),
      }),
    },
    hyperdriveCache: hyperdriveQueryCache(JSON.parse(env.PG_NON_IMMUTABLE) as string[]),
  }
}
