// The Cache API with production latency (figures.cacheApi) around the real (local) one: installs
// a `caches` whose caches wait one draw before every match, put and delete.
import type { LatencyModel } from './latency'

function modeledCache(cache: Cache, model: LatencyModel): Cache {
  return new Proxy(cache, {
    get(target, property) {
      const value = Reflect.get(target, property, target)
      if (property !== 'match' && property !== 'put' && property !== 'delete') return typeof value === 'function' ? value.bind(target) : value
      return async (...args: unknown[]) => {
        await model.wait('cacheApi')
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)
      }
    },
  })
}

/** Replaces `globalThis.caches` for this isolate; returns a function that restores it. */
export function installModeledCaches(model: LatencyModel): () => void {
  const real = globalThis.caches
  const modeled = {
    default: modeledCache(real.default, model),
    open: async (name: string) => modeledCache(await real.open(name), model),
  }
  Object.defineProperty(globalThis, 'caches', { value: modeled, configurable: true, writable: true })
  return () => Object.defineProperty(globalThis, 'caches', { value: real, configurable: true, writable: true })
}
