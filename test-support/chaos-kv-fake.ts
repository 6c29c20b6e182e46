// A FAKE around a REAL KV namespace binding (miniflare's): the calls reach real KV unless the
// plan's fault says otherwise. Local KV never fails, hangs, answers 429 to a second write of a key
// within a second (production KV does: https://developers.cloudflare.com/kv/platform/limits/),
// loses a write or serves an edge-cached value after a write; this fake does each on demand.
import { controlsOf, createChaos, type ChaosPlan } from './chaos-engine'

/** The calls of a Workers `KVNamespace` the fake intercepts (typed here: this package has no Workers types). */
interface KvLike {
  get(key: string | string[], options?: unknown): Promise<unknown>
  put(key: string, value: unknown, options?: unknown): Promise<void>
  delete(key: string): Promise<void>
}

const injected = '(injected by chaosKvFake)'

/**
 * Wraps `kv` (e.g. `env.KV`). Reads are `get` (one key or a bulk read: one call); writes are
 * `put` and `delete`. Stale reads give back what a key held before its latest write, as text.
 *
 * @example
 * const chaos = chaosKvFake(env.KV, { fault: { kind: 'throw', every: 3 } })
 * const storage = kvStorage(chaos.namespace)
 */
export function chaosKvFake<K extends object>(kv: K, plan: ChaosPlan) {
  const real = kv as unknown as KvLike
  const chaos = createChaos(plan, {
    failure: (what) => new Error(`KV ${what} failed: 503 Service Unavailable ${injected}`),
    // The message KV gives for its per-key write limit: storage-kv recognises it as a rate limit.
    rateLimited: (key) => new Error(`KV PUT failed: 429 Too Many Requests (${key}) ${injected}`),
  })

  const write = async (key: string, work: () => Promise<void>) => {
    if ((await chaos.before('write', key)) === 'drop') return
    const before = chaos.recordsPrevious ? await real.get(key, { type: 'text' }) : undefined
    await work()
    chaos.wrote(key, before ?? null)
  }

  const intercepted: KvLike = {
    async get(key, options) {
      await chaos.before('read', Array.isArray(key) ? key.join(',') : key)
      const found = await real.get(key, options)
      if (!Array.isArray(key)) {
        const stale = chaos.stale(key)
        return stale ? stale.value : found
      }
      const values = new Map(found as Map<string, unknown>)
      for (const each of key) {
        const stale = chaos.stale(each)
        if (stale) values.set(each, stale.value)
      }
      return values
    },
    put: (key, value, options) => write(key, () => real.put(key, value, options)),
    delete: (key) => write(key, () => real.delete(key)),
  }

  // Everything else (list, getWithMetadata...) goes to the real binding untouched.
  const namespace = new Proxy(real, {
    get(target, property) {
      if (property in intercepted) return intercepted[property as keyof KvLike]
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  }) as unknown as K
  return Object.assign(controlsOf(chaos), { namespace })
}
