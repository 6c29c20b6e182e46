// A FAKE around a REAL Durable Object namespace bound to `KvCacheCoordinator` (miniflare's): each
// stub's calls reach the real object unless the plan's fault says otherwise. A local object never
// fails, hangs, loses a bump or answers with stamps from before one; this fake does each on demand.
import { controlsOf, createChaos, type ChaosPlan } from './chaos-engine'

/** The RPC surface of a coordinator stub (typed here: this package depends on no @kvcache package). */
export interface StubLike {
  read(scopes: string[]): Promise<unknown>
  bump(scopes: string[], proposal?: string): Promise<unknown>
  load(): Promise<unknown>
}

export interface NamespaceLike {
  idFromName(name: string): unknown
  get(id: unknown, options?: unknown): StubLike
}

/**
 * Wraps `namespace` (e.g. `env.KVCACHE_COORDINATOR`). Reads are `read(scopes)`; writes are
 * `bump(scopes, proposal)`; `load()` always passes. A failing call throws what an overloaded object
 * throws. A dropped bump answers with its proposal without reaching the object (the client
 * believes it landed). A stale read answers, for a scope bumped within the window, the stamp the
 * object held before that bump.
 *
 * @example
 * const chaos = chaosCoordinatorFake(env.KVCACHE_COORDINATOR, { fault: { kind: 'hang' }, calls: 'writes' })
 * const versions = durableObjectVersions(chaos.namespace, { timeoutMs: 50 })
 */
export function chaosCoordinatorFake<N extends object>(namespace: N, plan: ChaosPlan) {
  const real = namespace as unknown as NamespaceLike
  const chaos = createChaos(plan, {
    failure: () =>
      Object.assign(new Error('Durable Object is overloaded. Too many requests queued. (injected by chaosCoordinatorFake)'), {
        overloaded: true,
        retryable: true,
      }),
    rateLimited: (key) =>
      Object.assign(new Error(`Durable Object ${key} is overloaded: 429 (injected by chaosCoordinatorFake)`), { overloaded: true, retryable: true }),
  })
  const names = new Map<unknown, string>()

  const wrap = (stub: StubLike, name: string): StubLike => ({
    async read(scopes) {
      await chaos.before('read', name)
      const answer = await stub.read(scopes)
      if (!Array.isArray(answer)) return answer
      return answer.map((stamp: unknown, i) => {
        const stale = chaos.stale(`${name}|${scopes[i]}`)
        return stale ? stale.value : stamp
      })
    },
    async bump(scopes, proposal) {
      if ((await chaos.before('write', name)) === 'drop') return proposal
      const before = chaos.recordsPrevious ? ((await stub.read(scopes)) as unknown[]) : []
      const stamp = await stub.bump(scopes, proposal)
      scopes.forEach((scope, i) => chaos.wrote(`${name}|${scope}`, before[i]))
      return stamp
    },
    load: () => stub.load(),
  })

  const intercepted = {
    idFromName(name: string) {
      const id = real.idFromName(name)
      names.set(id, name)
      return id
    },
    get: (id: unknown, options?: unknown) => wrap(real.get(id, options), names.get(id) ?? String(id)),
  }
  const faulty = new Proxy(real, {
    get(target, property) {
      if (property in intercepted) return intercepted[property as keyof typeof intercepted]
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  }) as unknown as N
  return Object.assign(controlsOf(chaos), { namespace: faulty })
}
