import type { Cache, CacheEvent, Storage } from '@kvcache/core'
import type { KvCacheModels, WithKvCacheOptions } from '../../src'

export interface HarnessOptions {
  readonly binding?: Omit<WithKvCacheOptions, 'models'>
  /** false: no generated model graph (the runtime-data-model fallback). */
  readonly withModels?: boolean
  /** Wraps the real storage (fault injection). */
  readonly storage?: (real: Storage) => Storage
  /** The cache's clock (`createCache({ now })`): lets a test age entries without waiting. */
  readonly now?: () => number
}

/** One database with a cached client and an uncached one, the same for D1 and PostgreSQL. */
export interface Harness {
  readonly flavor: 'd1' | 'pg'
  /** The client through the cache. Typed loosely: the generated client differs per database. */
  readonly prisma: any
  /** A second client straight to the database: changes data without telling the cache. */
  readonly behind: any
  /** The client `prisma` was extended from. */
  readonly plain: any
  readonly cache: Cache
  readonly events: CacheEvent[]
  readonly Prisma: any
  readonly models: KvCacheModels
  close(): Promise<void>
}

export type MakeHarness = (options?: HarnessOptions) => Promise<Harness>
