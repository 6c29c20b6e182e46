import type { Cache, CacheContext, EntryOptions, QueryRequest } from './cache-types'
import { maxStamp } from './clock'
import { registerView } from './database-identity'
import { dedupe } from './dedupe'
import { fill } from './fill'
import { hashMaterial } from './hash'
import { bump, repairUnknownStamps } from './invalidate'
import { deliver, type Isolate } from './isolate'
import { judgeEntry } from './judge'
import { entryKey, qualifyScopes } from './layout'
import { assertKnownOptions, assertTenant } from './options'
import { assertSeconds } from './read-options'
import { reportOperation, wantsOperations } from './operations'
import { statusRecorder, tellStatus } from './query-status'
import { lazyLabels } from './read-labels'
import { ANY_COPY, assertSourcePosition, type LoadContext } from './source-position'
import { decodeFor, lookup, readStampAfter } from './read-path'
import { assertTargetOptions, changedScopesOf, dependedScopesOf, type ScopeTarget } from './scopes'
import { heldOf, readEntry, readUntargeted } from './storage-read'
import { withTimeout } from './timeout'
import { planTtl } from './ttl'
import type { CacheEvent, Stamp } from './types'
import { emit, operationHook, readView, reportError, see, type ViewState } from './view-state'
import { kvCacheError } from './errors'

/** What a new view starts from. */
export interface ViewInit {
  readonly tenant: string | undefined
  readonly waitUntil: ((promise: Promise<unknown>) => void) | undefined
  readonly floor: Stamp
  readonly listener: CacheContext['onEvent']
  /** The request's memo for the version store (`ReadContext`); absent on the root cache. */
  readonly memo: Map<string, unknown> | undefined
}

/** The `Cache` a caller holds: one view of the isolate's cache, for a request or a tenant. */
export function createView(isolate: Isolate, init: ViewInit): Cache {
  const { memo, ...rest } = init
  // Storage calls are reported only when a handler asked for them, or a budget counts them: a
  // request nobody meters allocates nothing per call.
  const metered = wantsOperations(isolate.settings.onEvent) || wantsOperations(init.listener)
  const base: ViewState = { isolate, ...rest, storageContext: {}, readContext: {}, seen: init.floor, metered }
  const onOperation = operationHook(base)
  const view: ViewState = {
    ...base,
    storageContext: { ...(init.waitUntil && { waitUntil: init.waitUntil }), ...(onOperation && { onOperation }) },
    readContext: { ...(memo && { memo }), ...(onOperation && { onOperation }) },
  }
  const cache: Cache = {
    tenant: init.tenant,
    query: (request, loader) => query(view, request, loader),
    wrap: (key, loader, options = {}) => wrap(cache, key, loader, options),
    get: (key, target) => get(view, key, target),
    set: (key, value, options = {}) => set(view, key, value, options),
    delete: (key) => remove(view, key),
    async invalidate(target, options = {}) {
      assertKnownOptions('core', options, ['sourcePosition'])
      const position = assertSourcePosition('core', options.sourcePosition)
      const scopes = qualifyScopes(view.tenant, changedScopesOf(target))
      if (scopes.length > 0) await bump(view, scopes, position)
    },
    withContext: (context) => withContext(view, context),
    bookmark: () => isolate.bookmarks.format(view.seen),
    report: (event) => emit(view, event),
    async flush() {
      while (isolate.background.size > 0) await Promise.allSettled([...isolate.background])
      await isolate.versions.settle?.()
    },
  }
  registerView(cache, isolate)
  return cache
}

const QUERY_REQUEST = ['material', 'scopes', 'ttlSeconds', 'swrSeconds', 'staleIfErrorSeconds', 'lateOptions', 'sourceLagSeconds', 'about', 'onStatus']

/** The lifetime of one read. Throws on invalid options: a programming error, reported at the call. */
function lifetime(view: ViewState, request: Pick<QueryRequest, 'ttlSeconds' | 'swrSeconds' | 'staleIfErrorSeconds'>) {
  const { settings, storage } = view.isolate
  return planTtl(request, settings.defaults, storage.capabilities.minTtlSeconds)
}

/**
 * The entry key and scopes of one read. Throws when the material cannot be hashed; callers answer
 * from the database. Synchronous when the key is memoised (every repeated query): no extra step.
 */
function locate(view: ViewState, material: unknown, scopes: readonly string[]): Located | Promise<Located> {
  const hashed = hashMaterial(material)
  return typeof hashed === 'string' ? placed(view, hashed, scopes) : hashed.then((hash) => placed(view, hash, scopes))
}

interface Located {
  readonly key: string
  readonly scopes: readonly string[]
}

function placed(view: ViewState, hash: string, scopes: readonly string[]): Located {
  return { scopes: qualifyScopes(view.tenant, scopes), key: entryKey(view.isolate.settings.prefix, view.tenant, hash) }
}

async function query<T>(outer: ViewState, request: QueryRequest, loader: (context: LoadContext) => T | Promise<T>): Promise<T> {
  assertKnownOptions('core', request, QUERY_REQUEST)
  if (!Array.isArray(request.scopes)) throw kvCacheError('INVALID_OPTION', 'core', '`query` needs `scopes`: an array of scope strings.')
  const plan = lifetime(outer, request)
  const lagSeconds = assertSeconds('core', 'sourceLagSeconds', request.sourceLagSeconds, true) ?? outer.isolate.settings.sourceLagSeconds
  // A binding's read gets a view of its own: its events labelled, its status recorded.
  const { about, onStatus } = request
  // Only when someone will read them: a hit nobody listens to allocates no view of its own.
  const listening = outer.listener !== undefined || outer.isolate.settings.onEvent !== undefined
  const labels = (about && listening) || onStatus ? lazyLabels(about, request.scopes) : undefined
  const recorder = onStatus && labels ? statusRecorder(() => labels().tables ?? []) : undefined
  const view = labels ? readView(outer, labels, recorder?.observe) : outer
  let status = 'unhashable'
  try {
    let found: Located
    try {
      const place = locate(view, request.material, request.scopes)
      found = place instanceof Promise ? await place : place
    } catch (error) {
      // Material we cannot hash (a class instance among the parameters): the database answers, and
      // the caller's bookmark moves on as for any read it saw.
      reportError(view, 'encode', error)
      see(view, readStampAfter(view.isolate, []))
      return await loader(ANY_COPY)
    }
    status = 'not looked up'
    const { key, scopes } = found
    const read = { key, scopes, plan, loader, lagMs: lagSeconds * 1000, ...(request.lateOptions && { lateOptions: request.lateOptions }) }
    return await dedupe(view, key, scopes, () => lookup(view, read))
  } finally {
    if (recorder && onStatus) tellStatus(onStatus, recorder.status(status))
  }
}

async function wrap<T>(cache: Cache, key: string, loader: (context: LoadContext) => T | Promise<T>, options: EntryOptions): Promise<T> {
  // Invalid options throw here, before the loader: `{ table: [...] }` must not cache an entry nothing invalidates.
  assertTargetOptions(options, LIFETIME)
  const scopes = dependedScopesOf(options)
  // Labelled like a binding's read: its events name the tables it depends on.
  return cache.query({ ...lifetimeOf(options), material: ['key', key], scopes, about: {} }, loader)
}

async function get<T>(view: ViewState, key: string, target: ScopeTarget | undefined): Promise<T | undefined> {
  const { isolate } = view
  assertTargetOptions(target)
  const depended = target ? dependedScopesOf(target) : undefined
  if (!isolate.breaker.allow()) {
    emit(view, { type: 'skip', key, reason: 'breaker-open' })
    return undefined
  }
  try {
    const storageKey = entryKey(isolate.settings.prefix, view.tenant, await hashMaterial(['key', key]))
    // Without the target, the entry names its own scopes: two round trips instead of one.
    const scopes = depended ? qualifyScopes(view.tenant, depended) : undefined
    const found = scopes
      ? { ...(await readEntry(isolate, storageKey, scopes, view.storageContext, view.readContext)), scopes }
      : await readUntargeted(view, storageKey)
    repairUnknownStamps(view, found.scopes, found.current)
    const verdict = judgeEntry({ raw: found.raw, scopes: found.scopes, current: found.current, floor: view.floor, nowMs: isolate.settings.now() })
    if (verdict.kind === 'miss') return undefined
    const decoded = decodeFor(view, storageKey, verdict.entry.value)
    if (!decoded.ok) return undefined
    see(view, verdict.entry.readStamp)
    return decoded.value as T
  } catch (error) {
    reportError(view, 'get', error)
    return undefined
  }
}

async function set(view: ViewState, key: string, value: unknown, options: EntryOptions): Promise<void> {
  const { versions, settings } = view.isolate
  assertTargetOptions(options, LIFETIME)
  const plan = lifetime(view, lifetimeOf(options))
  const depended = dependedScopesOf(options)
  const lagSeconds = assertSeconds('core', 'sourceLagSeconds', options.sourceLagSeconds, true) ?? settings.sourceLagSeconds
  try {
    const located = await locate(view, ['key', key], depended)
    const stamps = await withTimeout(versions.read(located.scopes, view.readContext), settings.timeoutMs, `${versions.name}.read`)
    const readStamp = readStampAfter(view.isolate, stamps)
    see(view, readStamp)
    await fill(view, { ...located, plan, stamps, held: heldOf(stamps), met: true, readStamp, value, lagMs: lagSeconds * 1000, loadStartedMs: settings.now() })
  } catch (error) {
    reportError(view, 'set', error)
  }
}

async function remove(view: ViewState, key: string): Promise<void> {
  const { storage, settings } = view.isolate
  try {
    const storageKey = entryKey(settings.prefix, view.tenant, await hashMaterial(['key', key]))
    reportOperation(storage, view.storageContext, 'delete', 1)
    await withTimeout(storage.delete(storageKey, view.storageContext), settings.timeoutMs, `${storage.name}.delete`)
  } catch (error) {
    reportError(view, 'delete', error)
  }
}

function withContext(view: ViewState, context: CacheContext): Cache {
  assertKnownOptions('core', context, ['tenant', 'waitUntil', 'bookmark', 'onEvent'])
  if (context.tenant !== undefined) assertTenant('core', context.tenant)
  // Bookmarks come from clients (cookies): a bad one is reported and ignored, and even a valid one
  // only sets this view's floor, never the isolate's clock.
  const parsed = view.isolate.bookmarks.parse(context.bookmark)
  if ('error' in parsed) reportError(view, 'bookmark', parsed.error)
  return createView(view.isolate, {
    tenant: context.tenant ?? view.tenant,
    waitUntil: context.waitUntil ?? view.waitUntil,
    floor: 'floor' in parsed ? maxStamp(view.floor, parsed.floor) : view.floor,
    listener: chain(view.listener, context.onEvent),
    // Each request view gets its own memo: the version store may keep this request's stamps in it.
    memo: new Map(),
  })
}

const LIFETIME = ['ttlSeconds', 'swrSeconds', 'staleIfErrorSeconds', 'sourceLagSeconds']

function lifetimeOf(options: EntryOptions): Pick<EntryOptions, 'ttlSeconds' | 'swrSeconds' | 'staleIfErrorSeconds' | 'sourceLagSeconds'> {
  return {
    ...(options.ttlSeconds !== undefined && { ttlSeconds: options.ttlSeconds }),
    ...(options.swrSeconds !== undefined && { swrSeconds: options.swrSeconds }),
    ...(options.staleIfErrorSeconds !== undefined && { staleIfErrorSeconds: options.staleIfErrorSeconds }),
    ...(options.sourceLagSeconds !== undefined && { sourceLagSeconds: options.sourceLagSeconds }),
  }
}

/** A nested view's listener hears its own calls and keeps the parent's listener informed too. */
function chain(parent: CacheContext['onEvent'], own: CacheContext['onEvent']): CacheContext['onEvent'] {
  if (!parent || !own) return own ?? parent
  const both = (event: CacheEvent) => {
    deliver(parent, event)
    deliver(own, event)
  }
  // `deliver` still hands operations only to the one that asked.
  return parent.operations === true || own.operations === true ? Object.assign(both, { operations: true }) : both
}
