// Workers KV with production latency around the real (local) binding. One modeled KV stands for
// one location: a read is hot when this location read the key within KV's edge-cache time
// (figures.kvEdgeCacheSeconds, or the call's cacheTtl), cold otherwise; a bulk read is cold when
// any of its keys is. Writes cost one trip to the central stores and leave the key uncached here.
//
// Propagation: a text read is served from the value this location fetched, for the edge-cache
// time after that fetch, so a write from another location is seen here only once that copy is
// refetched (KV: "up to 60 seconds or more" elsewhere). A write from this location drops the copy.
import { FIGURES } from './figures.mjs'
import type { LatencyModel } from './latency'

interface ReadOptions {
  readonly type?: string
  readonly cacheTtl?: number
}

interface Copy {
  readonly value: unknown
  readonly untilMs: number
}

const readOptions = (options: unknown): ReadOptions => (typeof options === 'object' && options !== null ? (options as ReadOptions) : {})

export function modeledKv(kv: KVNamespace, model: LatencyModel): KVNamespace {
  const cachedUntilMs = new Map<string, number>()
  const copies = new Map<string, Copy>()
  const edgeSeconds = FIGURES.kvEdgeCacheSeconds.value
  const isHot = (key: string) => (cachedUntilMs.get(key) ?? 0) > Date.now()
  const secondsOf = (options: unknown) => readOptions(options).cacheTtl ?? edgeSeconds
  const remember = (keys: readonly string[], options: unknown) => {
    for (const key of keys) cachedUntilMs.set(key, Date.now() + secondsOf(options) * 1000)
  }
  // This location's copy while it is younger than the edge-cache time, else the value just read (kept as the copy).
  const served = (key: string, fetched: unknown, options: unknown) => {
    const copy = copies.get(key)
    if (copy && copy.untilMs > Date.now()) return copy.value
    copies.set(key, { value: fetched, untilMs: Date.now() + secondsOf(options) * 1000 })
    return fetched
  }
  const forget = (key: string) => {
    cachedUntilMs.delete(key)
    copies.delete(key)
  }
  const read = async (keys: readonly string[], options: unknown, call: () => Promise<unknown>) => {
    const hot = keys.every(isHot)
    await model.wait(hot ? 'kvHotRead' : 'kvColdRead')
    const value = await call()
    remember(keys, options)
    return value
  }
  const wrapped = {
    async get(key: string | string[], options?: unknown) {
      const keys = Array.isArray(key) ? key : [key]
      const value = await read(keys, options, () => (kv.get as (k: unknown, o?: unknown) => Promise<unknown>)(key, options))
      // Only text reads keep a copy (what kvStorage uses); other types pass through.
      if (readOptions(options).type !== 'text') return value
      if (!Array.isArray(key)) return served(key, value, options)
      const map = value as Map<string, unknown>
      return new Map(keys.map((k) => [k, served(k, map.get(k) ?? null, options)]))
    },
    getWithMetadata(key: string, options?: unknown) {
      return read([key], options, () => (kv.getWithMetadata as (k: unknown, o?: unknown) => Promise<unknown>)(key, options))
    },
    async put(key: string, value: string, options?: KVNamespacePutOptions) {
      await model.wait('kvWrite')
      await kv.put(key, value, options)
      forget(key)
    },
    async delete(key: string) {
      await model.wait('kvWrite')
      await kv.delete(key)
      forget(key)
    },
    list: kv.list.bind(kv),
  }
  return wrapped as unknown as KVNamespace
}
