import type { Storage } from '@kvcache/core'

/**
 * KV as seen from another data center, for the consistency demo. Locally every read reaches the
 * same store at once; in production a location serves a key it read recently from its edge cache
 * (up to `cacheTtl`, 60 s by default), so a write made elsewhere shows up there only later. This
 * replays that: a value read here is served again for `lagSeconds`, and this location's own writes
 * are visible here at once.
 */
export function edgeLocation(inner: Storage, options: { readonly lagSeconds: number; readonly now?: () => number }): Storage {
  const now = options.now ?? Date.now
  const lagMs = options.lagSeconds * 1000
  const edge = new Map<string, { value: string | null; atMs: number }>()
  const cached = (key: string) => {
    const seen = edge.get(key)
    return seen && now() - seen.atMs < lagMs ? seen : undefined
  }
  const remember = (key: string, value: string | null) => {
    if (edge.size > 10_000) edge.clear()
    edge.set(key, { value, atMs: now() })
  }
  return {
    name: `${inner.name}@edge`,
    capabilities: inner.capabilities,
    async get(key, context) {
      const seen = cached(key)
      if (seen) return seen.value
      const value = await inner.get(key, context)
      remember(key, value)
      return value
    },
    async getMany(keys, context) {
      const missing = keys.filter((key) => !cached(key))
      const fetched = missing.length === 0 ? new Map<string, string | null>() : await (inner.getMany?.(missing, context) ?? new Map())
      for (const key of missing) remember(key, fetched.get(key) ?? null)
      return new Map(keys.map((key) => [key, cached(key)?.value ?? null]))
    },
    async set(key, value, setOptions) {
      await inner.set(key, value, setOptions)
      remember(key, value)
    },
    async delete(key) {
      await inner.delete(key)
      remember(key, null)
    },
  }
}
