// Workers KV with production latency around the real (local) binding. A read is hot when this
// location read the key within KV's edge-cache time (figures.kvEdgeCacheSeconds, or the call's
// cacheTtl), cold otherwise; a bulk read is cold when any of its keys is. Writes cost one trip to
// the central stores and leave the key uncached here. One isolate stands for one location.
import { FIGURES } from './figures.mjs'
import type { LatencyModel } from './latency'

interface ReadOptions {
  readonly cacheTtl?: number
}

export function modeledKv(kv: KVNamespace, model: LatencyModel): KVNamespace {
  const cachedUntilMs = new Map<string, number>()
  const edgeSeconds = FIGURES.kvEdgeCacheSeconds.value
  const isHot = (key: string) => (cachedUntilMs.get(key) ?? 0) > Date.now()
  const remember = (keys: readonly string[], options: unknown) => {
    const seconds = (typeof options === 'object' && options !== null ? (options as ReadOptions).cacheTtl : undefined) ?? edgeSeconds
    for (const key of keys) cachedUntilMs.set(key, Date.now() + seconds * 1000)
  }
  const read = async (keys: readonly string[], options: unknown, call: () => Promise<unknown>) => {
    const hot = keys.every(isHot)
    await model.wait(hot ? 'kvHotRead' : 'kvColdRead')
    const value = await call()
    remember(keys, options)
    return value
  }
  const wrapped = {
    get(key: string | string[], options?: unknown) {
      const keys = Array.isArray(key) ? key : [key]
      return read(keys, options, () => (kv.get as (k: unknown, o?: unknown) => Promise<unknown>)(key, options))
    },
    getWithMetadata(key: string, options?: unknown) {
      return read([key], options, () => (kv.getWithMetadata as (k: unknown, o?: unknown) => Promise<unknown>)(key, options))
    },
    async put(key: string, value: string, options?: KVNamespacePutOptions) {
      await model.wait('kvWrite')
      await kv.put(key, value, options)
      cachedUntilMs.delete(key)
    },
    async delete(key: string) {
      await model.wait('kvWrite')
      await kv.delete(key)
      cachedUntilMs.delete(key)
    },
    list: kv.list.bind(kv),
  }
  return wrapped as unknown as KVNamespace
}
