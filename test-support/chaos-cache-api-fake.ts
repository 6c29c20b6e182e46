// A FAKE around a REAL Cache API cache (workerd's `caches.default`): the calls reach the real
// cache unless the plan's fault says otherwise. The local Cache API never fails, hangs, loses a
// put or answers with what a key held before; this fake does each on demand.
import { controlsOf, createChaos, type ChaosPlan } from './chaos-engine'

/** The calls of a Workers `Cache` the fake intercepts (typed here: this package has no Workers types). */
interface CacheLike {
  match(request: Request | string, options?: unknown): Promise<Response | undefined>
  put(request: Request | string, response: Response): Promise<void>
  delete(request: Request | string, options?: unknown): Promise<boolean>
}

interface Stored {
  readonly body: string
  readonly headers: [string, string][]
}

const headersOf = (response: Response) => {
  const pairs: [string, string][] = []
  response.headers.forEach((value, name) => pairs.push([name, value]))
  return pairs
}

const urlOf = (request: Request | string) => (typeof request === 'string' ? request : request.url)

/**
 * Wraps `cache` (e.g. `caches.default`). Reads are `match`; writes are `put` and `delete`. A stale
 * read answers with a copy of the response the key held before its latest write (or none).
 * `caches` is a stand-in for the global `caches` whose `default` and every `open(name)` are the
 * fake: storage that looks `caches` up on each call (cacheApiStorage) uses it once stubbed in
 * (`vi.stubGlobal('caches', chaos.caches)`).
 */
export function chaosCacheApiFake<C extends object>(cache: C, plan: ChaosPlan) {
  const real = cache as unknown as CacheLike
  const chaos = createChaos(plan, {
    failure: (what) => new Error(`Cache API ${what} failed (injected by chaosCacheApiFake)`),
    rateLimited: (key) => new Error(`Cache API put of ${key} refused: 429 Too Many Requests (injected by chaosCacheApiFake)`),
  })

  const snapshot = async (key: string): Promise<Stored | null> => {
    const response = await real.match(key)
    return response ? { body: await response.text(), headers: headersOf(response) } : null
  }

  const write = async <T>(request: Request | string, dropped: T, work: () => Promise<T>): Promise<T> => {
    const key = urlOf(request)
    if ((await chaos.before('write', key)) === 'drop') return dropped
    const before = chaos.recordsPrevious ? await snapshot(key) : null
    const result = await work()
    chaos.wrote(key, before)
    return result
  }

  const fake: CacheLike = {
    async match(request, options) {
      const key = urlOf(request)
      await chaos.before('read', key)
      const stale = chaos.stale(key)
      if (!stale) return real.match(request, options)
      const stored = stale.value as Stored | null
      return stored ? new Response(stored.body, { headers: stored.headers }) : undefined
    },
    put: (request, response) => write(request, undefined, () => real.put(request, response)),
    delete: (request, options) => write(request, true, () => real.delete(request, options)),
  }
  const caches = { default: fake as unknown as C, open: async (_name: string) => fake as unknown as C }
  return Object.assign(controlsOf(chaos), { cache: fake as unknown as C, caches })
}
