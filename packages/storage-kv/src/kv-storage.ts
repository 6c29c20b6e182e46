import { type Storage } from '@kvcache/core'
import { assertKnownOptions, assertPositive, kvCacheError } from '@kvcache/core/storage'

/** The parts of a Workers `KVNamespace` this backend uses, typed structurally so any KV-shaped binding fits. */
export interface KvNamespaceLike {
  get(key: string, options: { type: 'text'; cacheTtl?: number }): Promise<string | null>
  get(keys: string[], options: { type: 'text'; cacheTtl?: number }): Promise<Map<string, string | null>>
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>
  delete(key: string): Promise<void>
}

/** Options for `kvStorage`. */
export interface KvStorageOptions {
  /**
   * How long a read may be served from the KV edge cache, in seconds (KV's `cacheTtl`, at least 30).
   * Lower means fresher stamps elsewhere and more central reads. @default KV's own default (60)
   */
  readonly cacheTtlSeconds?: number
  /** Largest entry to store, in bytes. @default 25 MiB (KV's limit) */
  readonly maxValueBytes?: number
}

// https://developers.cloudflare.com/kv/platform/limits/
const KV_MIN_TTL_SECONDS = 60
const KV_MAX_KEY_BYTES = 512
const KV_MAX_VALUE_BYTES = 25 * 1024 * 1024
const KV_MAX_BULK_GET = 100
const KV_WRITE_INTERVAL_MS = 1000
const KV_MIN_CACHE_TTL_SECONDS = 30

function isRateLimit(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error)
  return /\b429\b|too many requests|rate limit/i.test(message)
}

/**
 * Workers KV as entry storage (and, by default, as the home of version stamps). Reads of an
 * entry and its stamps go out as one bulk get; writes respect KV's 60 s minimum expiration.
 *
 * @example
 * const cache = createCache({ storage: kvStorage(env.CACHE_KV), waitUntil: (p) => ctx.waitUntil(p) })
 */
export function kvStorage(namespace: KvNamespaceLike, options: KvStorageOptions = {}): Storage {
  if (!namespace || typeof namespace.get !== 'function' || typeof namespace.put !== 'function') {
    throw kvCacheError(
      'MISSING_BINDING',
      'storage-kv',
      'Missing required option `namespace`: pass a KV binding such as `env.CACHE_KV` (check the kv_namespaces entry in wrangler.jsonc).',
    )
  }
  assertKnownOptions('storage-kv', options, ['cacheTtlSeconds', 'maxValueBytes'])
  assertPositive('storage-kv', 'cacheTtlSeconds', options.cacheTtlSeconds)
  assertPositive('storage-kv', 'maxValueBytes', options.maxValueBytes)
  if (options.cacheTtlSeconds !== undefined && options.cacheTtlSeconds < KV_MIN_CACHE_TTL_SECONDS) {
    throw kvCacheError(
      'INVALID_OPTION',
      'storage-kv',
      `Option \`cacheTtlSeconds\` must be at least ${KV_MIN_CACHE_TTL_SECONDS} (KV's minimum), got ${options.cacheTtlSeconds}.`,
    )
  }
  const readOptions = options.cacheTtlSeconds === undefined ? ({ type: 'text' } as const) : ({ type: 'text', cacheTtl: options.cacheTtlSeconds } as const)

  return {
    name: 'kv',
    capabilities: {
      minTtlSeconds: KV_MIN_TTL_SECONDS,
      maxKeyBytes: KV_MAX_KEY_BYTES,
      maxValueBytes: Math.min(options.maxValueBytes ?? KV_MAX_VALUE_BYTES, KV_MAX_VALUE_BYTES),
      maxBatchGet: KV_MAX_BULK_GET,
      minWriteIntervalMs: KV_WRITE_INTERVAL_MS,
      durable: true,
      reach: 'global',
      globalDelete: true,
      listKeys: true,
    },
    get: (key) => namespace.get(key, readOptions),
    getMany: (keys) => namespace.get([...keys], readOptions),
    async set(key, value, setOptions) {
      const ttl = setOptions?.ttlSeconds
      try {
        await namespace.put(key, value, ttl === undefined ? undefined : { expirationTtl: Math.max(KV_MIN_TTL_SECONDS, Math.ceil(ttl)) })
      } catch (error) {
        // KV allows one write per second per key; the core retries these with backoff.
        if (isRateLimit(error)) throw kvCacheError('RATE_LIMITED', 'storage-kv', `KV rate-limited a write to ${key}.`, error)
        throw error
      }
    },
    delete: (key) => namespace.delete(key),
  }
}
