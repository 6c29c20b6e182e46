import type { CacheEvent } from '@kvcache/core'

/** What `.withAccelerateInfo()` reports, with the fields Accelerate's typings declare. */
export interface AccelerateInfo {
  /**
   * `ttl`: fresh hit; `swr`: stale hit, refreshed in the background, or (with `staleIfError`) an
   * aged-out entry served because the database failed; `miss`: read from the database; `none`: not cached.
   */
  readonly cacheStatus: 'ttl' | 'swr' | 'miss' | 'none'
  /** When the returned data was read from the database. */
  readonly lastModified: Date
  /** The `region` option, or `unspecified`. */
  readonly region: string
  /** A random id for this call. */
  readonly requestId: string
  /** The hash of the cache entry key (same query, same signature), or `unspecified` when not cached. */
  readonly signature: string
}

/** Collects the cache outcome of one call from the events of its own cache view. */
export class InfoSink {
  #info: AccelerateInfo | null = null
  /** Set by the extension that serves the call (its `region` option). */
  region = 'unspecified'
  readonly now = Date.now

  get info(): AccelerateInfo | null {
    return this.#info
  }

  none(): void {
    this.#info = this.#make('none', this.now(), 'unspecified')
  }

  observe(event: CacheEvent): void {
    if (event.type !== 'hit' && event.type !== 'stale' && event.type !== 'stale-if-error' && event.type !== 'miss') return
    const signature = event.key.slice(event.key.lastIndexOf(':') + 1)
    // One database read, one time: a miss reports when its read started, and hits of the entry it filled carry the same.
    if (event.type === 'miss') this.#info = this.#make('miss', event.atMs ?? this.now(), signature)
    else this.#info = this.#make(event.type === 'hit' ? 'ttl' : 'swr', event.createdAtMs, signature)
  }

  /** A call that joined an identical in-flight call saw no event of its own: its data was just loaded. */
  settle(): void {
    this.#info ??= this.#make('miss', this.now(), 'unspecified')
  }

  #make(cacheStatus: AccelerateInfo['cacheStatus'], atMs: number, signature: string): AccelerateInfo {
    return { cacheStatus, lastModified: new Date(atMs), region: this.region, requestId: crypto.randomUUID(), signature }
  }
}

interface PromiseFactoryOwner {
  _createPrismaPromise?: (
    callback: (transaction?: unknown) => unknown,
    spec?: { readonly args?: unknown; readonly model?: string; readonly action?: string },
  ) => object
}

/** Sinks waiting for the query hook, keyed by the args object the call was made with. */
export type InfoSinks = WeakMap<object, InfoSink[]>

const installed = new WeakMap<object, InfoSinks>()

/**
 * Adds `.withAccelerateInfo()` to the promises Prisma creates for cacheable model reads. Prisma
 * builds every model promise through the client's `_createPrismaPromise`, so extending it keeps
 * fluent calls, batches and every other extension (result extensions added after this one too,
 * which overriding the model methods, Accelerate's way, would drop).
 */
export function installInfo(client: unknown, reads: ReadonlySet<string>): InfoSinks | undefined {
  const owner = (client as { _originalClient?: PromiseFactoryOwner } | null)?._originalClient
  const create = owner?._createPrismaPromise
  if (!owner || typeof create !== 'function') return undefined
  const existing = installed.get(owner)
  if (existing) return existing
  const sinks: InfoSinks = new WeakMap()
  owner._createPrismaPromise = function (this: unknown, callback, spec) {
    const promise = create.call(this, callback, spec) as PromiseLike<unknown>
    if (!spec?.model || !spec.action || !reads.has(spec.action)) return promise
    return Object.assign(promise, {
      withAccelerateInfo(): Promise<{ data: unknown; info: AccelerateInfo | null }> {
        const sink = new InfoSink()
        const key = typeof spec.args === 'object' && spec.args !== null ? spec.args : undefined
        if (key) sinks.set(key, [...(sinks.get(key) ?? []), sink])
        const forget = () => {
          const left = key ? (sinks.get(key) ?? []).filter((waiting) => waiting !== sink) : []
          if (key && left.length > 0) sinks.set(key, left)
          else if (key) sinks.delete(key)
        }
        return Promise.resolve(promise).then(
          (data) => {
            forget()
            return { data, info: key ? sink.info : (sink.none(), sink.info) }
          },
          (error: unknown) => {
            forget()
            throw error
          },
        )
      },
    })
  }
  installed.set(owner, sinks)
  return sinks
}

/** The sink registered for a call's args, if `.withAccelerateInfo()` asked for one. */
export function takeSink(sinks: InfoSinks | undefined, args: unknown): InfoSink | undefined {
  if (!sinks || typeof args !== 'object' || args === null) return undefined
  const waiting = sinks.get(args)
  return waiting?.shift()
}
