import type { QueryRequest } from './cache-types'
import { decodeValue, type EncodedValue } from './codec'
import { fill, fillInBackground } from './fill'
import { repairUnknownStamps } from './invalidate'
import type { Isolate, Outcome } from './isolate'
import { judgeEntry, type Verdict } from './judge'
import { fallbackOf, type Fallback } from './stale-if-error'
import { ANY_COPY, freshnessOf, loadWith, type LoadContext } from './source-position'
import { heldOf, readEntry, type Found } from './storage-read'
import { withTimeout } from './timeout'
import { planTtl, type TtlPlan } from './ttl'
import type { Stamp } from './types'
import { emit, heard, reportError, runDetached, runInBackground, see, type ViewState } from './view-state'

/** Background refreshes (stale-while-revalidate) one isolate runs at once, at most. */
const MAX_REVALIDATIONS = 1_000

/** One read as the read path sees it: a key, its scopes, its lifetime, and the database. */
export interface Read<T> {
  readonly key: string
  readonly scopes: readonly string[]
  readonly plan: TtlPlan
  readonly loader: (context: LoadContext) => T | Promise<T>
  readonly lateOptions?: QueryRequest['lateOptions']
  /** `sourceLagSeconds` in milliseconds: results loaded this soon after a bump of their scopes are not stored. */
  readonly lagMs: number
}

/**
 * The read path, top-down: read the entry and its stamps in one round trip; judge the entry;
 * serve it (fresh, or stale while revalidating); otherwise load from the database and fill.
 */
export async function lookup<T>(view: ViewState, read: Read<T>): Promise<Outcome<T>> {
  const found = await readFromStorage(view, read.key, read.scopes)
  if (!found) {
    // Storage is unusable right now: answer from the database and store nothing. The caller still
    // sees the database as of now: its bookmark moves on, or its next request could go back in time.
    emit(view, { type: 'miss', key: read.key, reason: 'error', atMs: view.isolate.settings.now() })
    const readStamp = readStampAfter(view.isolate, [])
    see(view, readStamp)
    return { value: await read.loader(ANY_COPY), encoded: undefined, stamps: undefined, readStamp }
  }
  repairUnknownStamps(view, read.scopes, found.current)
  const { clock } = view.isolate
  for (const stamp of found.current) clock.observe(stamp)
  const verdict = judgeEntry({ raw: found.raw, scopes: read.scopes, current: found.current, floor: view.floor, nowMs: view.isolate.settings.now() })
  const served = verdict.kind === 'miss' ? undefined : serve(view, read, verdict, found)
  if (served) return served
  // Minted only for a load: a hit carries the entry's own read stamp.
  const readStamp = clock.next()
  const loadStartedMs = view.isolate.settings.now()
  emit(view, { type: 'miss', key: read.key, reason: verdict.kind === 'miss' ? verdict.reason : 'corrupt', atMs: loadStartedMs })
  const fallback = verdict.kind === 'miss' ? fallbackOf(read.plan, verdict) : undefined
  return loadAndFill(view, read, found, readStamp, loadStartedMs, fallback)
}

function readFromStorage(view: ViewState, key: string, scopes: readonly string[]): Promise<Found | undefined> | undefined {
  if (!view.isolate.breaker.allow()) {
    emit(view, { type: 'skip', key, reason: 'breaker-open' })
    return undefined
  }
  return readEntry(view.isolate, key, scopes, view.storageContext, view.readContext).catch((error: unknown) => {
    reportError(view, 'get', error, key)
    return undefined
  })
}

/** A stamp that orders after everything just read: the entry's place relative to bookmarks. */
export function readStampAfter(isolate: Isolate, current: readonly Stamp[]): Stamp {
  for (const stamp of current) isolate.clock.observe(stamp)
  return isolate.clock.next()
}

function serve<T>(view: ViewState, read: Read<T>, verdict: Exclude<Verdict, { kind: 'miss' }>, found: Found): Outcome<T> | undefined {
  const decoded = decodeFor(view, read.key, verdict.entry.value)
  if (!decoded.ok) return undefined
  see(view, verdict.entry.readStamp)
  const stamps = found.current
  if (verdict.kind === 'fresh') {
    const { key } = read
    if (heard(view))
      emit(
        view,
        found.tier
          ? { type: 'hit', key, ageMs: verdict.ageMs, createdAtMs: verdict.entry.createdAtMs, tier: found.tier }
          : { type: 'hit', key, ageMs: verdict.ageMs, createdAtMs: verdict.entry.createdAtMs },
      )
  } else {
    emit(view, { type: 'stale', key: read.key, ageMs: verdict.ageMs, createdAtMs: verdict.entry.createdAtMs })
    revalidate(view, read)
  }
  return { value: decoded.value as T, encoded: verdict.entry.value, stamps, readStamp: verdict.entry.readStamp }
}

async function loadAndFill<T>(
  view: ViewState,
  read: Read<T>,
  found: Found,
  readStamp: Stamp,
  loadStartedMs: number,
  fallback: Fallback | undefined,
): Promise<Outcome<T>> {
  let loaded: Awaited<ReturnType<typeof loadWith<T>>>
  try {
    loaded = await loadWith(read.loader, freshnessOf(found.current, found.positions))
  } catch (error) {
    const served = fallback && serveAfterError<T>(view, read.key, fallback, found.current, error)
    if (served) return served
    throw error
  }
  const { value, met } = loaded
  see(view, readStamp)
  const stamps = found.current
  const request = { key: read.key, scopes: read.scopes, stamps, held: found.held, met, lagMs: read.lagMs, loadStartedMs, readStamp, plan: read.plan, value }
  if (read.lateOptions) {
    // Never awaited: the caller must get its rows before it can tell us their lifetime.
    runDetached(view, fillWithLateOptions(view, request, read.lateOptions))
    return { value, encoded: undefined, stamps, readStamp }
  }
  return { value, encoded: await fillInBackground(view, request), stamps, readStamp }
}

async function fillWithLateOptions(view: ViewState, request: Parameters<typeof fill>[1], lateOptions: NonNullable<QueryRequest['lateOptions']>) {
  const { settings, storage } = view.isolate
  const late = await withTimeout(lateOptions, settings.timeoutMs, 'late options').catch(() => undefined)
  // A lifetime that already ended (e.g. an `exat` in the past) means: do not store.
  if (late?.ttlSeconds === 0) return
  let plan = request.plan
  try {
    const wanted = {
      ttlSeconds: late?.ttlSeconds ?? plan.ttlSeconds,
      swrSeconds: late?.swrSeconds ?? plan.swrSeconds,
      staleIfErrorSeconds: plan.staleIfErrorSeconds,
    }
    plan = planTtl(wanted, settings.defaults, storage.capabilities.minTtlSeconds)
  } catch (error) {
    reportError(view, 'encode', error, request.key)
    return
  }
  await fill(view, { ...request, plan })
}

/** Serves an aged-out entry after the database failed, reporting the error with it; undefined if it cannot be decoded. */
function serveAfterError<T>(view: ViewState, key: string, fallback: Fallback, stamps: readonly Stamp[], error: unknown): Outcome<T> | undefined {
  const { entry, ageMs } = fallback
  const decoded = decodeFor(view, key, entry.value)
  if (!decoded.ok) return undefined
  see(view, entry.readStamp)
  emit(view, { type: 'stale-if-error', key, ageMs, createdAtMs: entry.createdAtMs, error })
  return { value: decoded.value as T, encoded: entry.value, stamps, readStamp: entry.readStamp }
}

/** Stale-while-revalidate: one background reload per key, filled with stamps read before it. */
function revalidate<T>(view: ViewState, read: Read<T>): void {
  const { revalidating, versions, settings } = view.isolate
  // At most one refresh per key, and a bounded number at once per isolate.
  if (revalidating.has(read.key) || revalidating.size >= MAX_REVALIDATIONS) return
  revalidating.add(read.key)
  const work = (async () => {
    try {
      const stamps = await withTimeout(versions.read(read.scopes, view.readContext), settings.timeoutMs, `${versions.name}.read`)
      const readStamp = readStampAfter(view.isolate, stamps)
      const loadStartedMs = settings.now()
      const { value, met } = await loadWith(read.loader, freshnessOf(stamps, stamps.positions))
      const lag = { met, lagMs: read.lagMs, loadStartedMs }
      await fill(view, { key: read.key, scopes: read.scopes, stamps, held: heldOf(stamps), ...lag, readStamp, plan: read.plan, value })
    } finally {
      revalidating.delete(read.key)
    }
  })()
  void runInBackground(view, work)
}

/** Decodes a stored value; a failure is reported and makes the read a miss. */
export function decodeFor(view: ViewState, key: string, encoded: EncodedValue): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: decodeValue(encoded, view.isolate.settings.extensionsByTag) }
  } catch (error) {
    reportError(view, 'decode', error, key)
    return { ok: false }
  }
}
