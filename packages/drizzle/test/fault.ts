import type { Storage } from '@kvcache/core'

/** Fault injection the real KV cannot produce on demand: every storage call fails. */
export function failingStorageFault(inner: Storage): Storage {
  const fail = () => Promise.reject(new Error('injected storage failure'))
  return { ...inner, name: `${inner.name}-failing`, get: fail, getMany: fail, set: fail, delete: fail }
}
