import type { Storage } from '@kvcache/core'
import { isStampKey } from '@kvcache/core/storage'
import { chaosCoordinatorFake } from '@kvcache/test-support/chaos-coordinator-fake'
import type { CoordinatorNamespaceLike } from '../src'

export { deferred, eventLog, fakeTable } from '@kvcache/core/testing'

let counter = 0
/** A name no other test uses: tests share one miniflare, so every test gets its own objects and keys. */
export const unique = (label: string) => `${label}-${Date.now().toString(36)}${(counter++).toString(36)}`

/** Counts the calls that reach the REAL coordinator binding (a pass-through, not a fake). */
export function countingNamespace(namespace: CoordinatorNamespaceLike) {
  const calls = { read: 0, bump: 0, load: 0, objects: new Set<string>() }
  const counted: CoordinatorNamespaceLike = {
    idFromName: (name) => {
      calls.objects.add(name)
      return namespace.idFromName(name)
    },
    get(id, options) {
      const stub = namespace.get(id, options)
      return {
        read: (scopes) => (calls.read++, stub.read(scopes)),
        bump: (scopes, proposal) => (calls.bump++, stub.bump(scopes, proposal)),
        load: () => (calls.load++, stub.load()),
      }
    },
  }
  return {
    namespace: counted,
    calls,
    reset() {
      calls.read = 0
      calls.bump = 0
      calls.load = 0
    },
  }
}

/**
 * Fault injection over the REAL coordinator binding, for what a healthy local object never does:
 * calls that throw (an overloaded or unreachable object), or hang until the test lets them go.
 * `mode` applies to calls made while it is set; `release()` lets parked calls through to the
 * real object. The chaos fake from test-support, switched the way these tests need it.
 */
export function coordinatorFault(namespace: CoordinatorNamespaceLike) {
  const chaos = chaosCoordinatorFake(namespace, { fault: { kind: 'none' } })
  return {
    namespace: chaos.namespace,
    set(next: 'pass' | 'throw' | 'hang', operation?: 'read' | 'bump') {
      chaos.set({ fault: { kind: next === 'pass' ? 'none' : next }, calls: operation === undefined ? 'all' : operation === 'read' ? 'reads' : 'writes' })
    },
    /** Lets parked calls reach the object, and stops parking new ones. */
    release() {
      chaos.heal()
      chaos.release()
    },
  }
}

/**
 * Fault injection over REAL KV for eventual consistency: after `freeze()`, this reader sees every
 * key it had read as it was then (entries and stamps), like a KV location whose edge cache has not
 * caught up with a write made elsewhere. Writes still go through.
 */
export function laggingLocationFault(inner: Storage, options: { readonly stampsOnly?: boolean } = {}): Storage & { freeze(): Promise<void> } {
  let snapshot: Map<string, string | null> | undefined
  const known = new Set<string>()
  const lags = (key: string) => !options.stampsOnly || isStampKey(key)
  const read = async (key: string) => {
    known.add(key)
    if (snapshot && lags(key)) {
      if (!snapshot.has(key)) snapshot.set(key, await inner.get(key))
      return snapshot.get(key) ?? null
    }
    return inner.get(key)
  }
  return {
    name: `${inner.name}-lagging`,
    capabilities: inner.capabilities,
    get: read,
    getMany: async (keys) => new Map(await Promise.all(keys.map(async (key) => [key, await read(key)] as const))),
    set: (key, value, setOptions) => inner.set(key, value, setOptions),
    delete: (key) => inner.delete(key),
    async freeze() {
      snapshot = new Map()
      for (const key of known) snapshot.set(key, await inner.get(key))
    },
  }
}

/** Counts the calls a REAL storage receives (a pass-through): one `get` of the Cache API is one `match`. */
export function countingStorage(inner: Storage) {
  const calls = { get: 0, getMany: 0, set: 0, delete: 0 }
  const storage: Storage = {
    ...inner,
    get: (key, context) => (calls.get++, inner.get(key, context)),
    set: (key, value, options) => (calls.set++, inner.set(key, value, options)),
    delete: (key) => (calls.delete++, inner.delete(key)),
  }
  const getMany = inner.getMany
  if (getMany) {
    Object.assign(storage, {
      getMany: (keys: readonly string[], context?: Parameters<typeof getMany>[1]) => (calls.getMany++, getMany.call(inner, keys, context)),
    })
  }
  return {
    storage,
    calls,
    reset() {
      Object.assign(calls, { get: 0, getMany: 0, set: 0, delete: 0 })
    },
  }
}
