import { stampMs, UNKNOWN_STAMP, ZERO_STAMP } from './clock'
import { encodeValue, type EncodedValue } from './codec'
import { reportOperation } from './operations'
import { serializeEntry } from './entry'
import { isKvCacheError } from './errors'
import { budgetFor, rememberLarge } from './storage-read'
import { byteLength } from './text'
import { withTimeout } from './timeout'
import type { TtlPlan } from './ttl'
import type { Stamp } from './types'
import { emit, reportError, runInBackground, type ViewState } from './view-state'

/** A loaded value and what it was loaded under: the stamps read before the loader ran. */
export interface FillRequest {
  readonly key: string
  readonly scopes: readonly string[]
  readonly stamps: readonly Stamp[]
  /** What the version store held for each scope when `stamps` were read (see `StampReading`). */
  readonly held: readonly Stamp[]
  /** False when the loader could not read a copy of the database as recent as the recorded writes asked. */
  readonly met: boolean
  /** How far behind its writes the source may have answered, in milliseconds (`sourceLagSeconds`). */
  readonly lagMs: number
  /** When the loader started: a scope bumped within `lagMs` before it may not be visible to the source yet. */
  readonly loadStartedMs: number
  readonly readStamp: Stamp
  readonly plan: TtlPlan
  readonly value: unknown
}

interface Prepared {
  /** The value's stored form (also handed to callers that joined this lookup), or undefined if unencodable. */
  readonly encoded: EncodedValue | undefined
  /** The storage write, when the entry should be stored at all. */
  readonly write: (() => Promise<void>) | undefined
}

/** Encodes and stores a value, resolving once the write settled. */
export async function fill(view: ViewState, request: FillRequest): Promise<EncodedValue | undefined> {
  const { encoded, write } = prepareFill(view, request)
  await write?.()
  return encoded
}

/** Encodes a value now and stores it in the background (`waitUntil`, or awaited without one). */
export async function fillInBackground(view: ViewState, request: FillRequest): Promise<EncodedValue | undefined> {
  const { encoded, write } = prepareFill(view, request)
  if (write) await runInBackground(view, write())
  return encoded
}

function prepareFill(view: ViewState, request: FillRequest): Prepared {
  const { key } = request
  let encoded: EncodedValue
  try {
    encoded = encodeValue(request.value, view.isolate.settings.extensions)
  } catch (error) {
    emit(view, { type: 'skip', key, reason: 'unencodable' })
    reportError(view, 'encode', error, key)
    return { encoded: undefined, write: undefined }
  }
  const skip = reasonNotToStore(view, request)
  if (skip) {
    emit(view, { type: 'skip', key, reason: skip })
    return { encoded, write: undefined }
  }
  const { plan } = request
  const { maxValueBytes } = view.isolate.settings
  // An entry's age counts from when its database read started: the time a miss reports for it too.
  const raw = serializeEntry({ ...request, createdAtMs: request.loadStartedMs, ttlSeconds: plan.ttlSeconds, swrSeconds: plan.swrSeconds, value: encoded })
  const bytes = byteLength(raw)
  if (bytes > maxValueBytes) {
    emit(view, { type: 'skip', key, reason: 'oversized' })
    return { encoded, write: undefined }
  }
  reportClamp(view, plan)
  // Admission counts this miss, and a budget may refuse the write (a key filled within the last
  // second is one stored before: the rate limit below then skips it anyway).
  const refused = view.isolate.budget?.judgeFill(key)
  if (refused) {
    emit(view, { type: 'skip', key, reason: refused.reason, detail: refused.detail })
    return { encoded, write: undefined }
  }
  const sinceLastMs = recentlyFilled(view, key)
  if (sinceLastMs !== undefined) {
    const { name, capabilities } = view.isolate.storage
    // Our own pacing, not the storage refusing: say which rule, so nobody goes looking for a 429.
    const detail = `${name} takes one write per key every ${capabilities.minWriteIntervalMs} ms; this isolate filled this key ${sinceLastMs} ms ago (not sent, so no 429)`
    emit(view, { type: 'skip', key, reason: 'rate-limited', detail })
    return { encoded, write: undefined }
  }
  return { encoded, write: () => writeEntry(view, key, raw, bytes, plan) }
}

function reasonNotToStore(view: ViewState, request: FillRequest) {
  // Storing against a stamp we could not read would record a version nothing can invalidate.
  if (request.stamps.includes(UNKNOWN_STAMP)) return 'stamp-unknown' as const
  // A stamp raised to our own bump before it landed: if an older write of it landed after a newer
  // bump made elsewhere, the entry would be valid again while the database moved on.
  if (request.stamps.some((stamp, i) => stamp !== request.held[i])) return 'own-bump-pending' as const
  if (!request.met) return 'freshness-unmet' as const
  // Stamps are times: a bump this recent may not have reached a lagging source (Hyperdrive's cache, a replica).
  if (request.lagMs > 0 && request.stamps.some((stamp) => stamp !== ZERO_STAMP && stampMs(stamp) > request.loadStartedMs - request.lagMs)) {
    return 'source-lag' as const
  }
  // A write in this isolate landed while the loader ran: the entry would be dead on arrival.
  const { recentBumps } = view.isolate
  if (request.scopes.some((scope, i) => (recentBumps.get(scope) ?? '') > (request.stamps[i] ?? ''))) return 'invalidated-during-load' as const
  return undefined
}

function reportClamp(view: ViewState, plan: TtlPlan): void {
  const requested = plan.ttlSeconds + plan.swrSeconds
  const { clampsReported, storage } = view.isolate
  if (!plan.clamped || clampsReported.has(requested)) return
  clampsReported.set(requested, true)
  emit(view, { type: 'clamp', requestedSeconds: requested, appliedSeconds: plan.physicalSeconds, storage: storage.name })
}

/** How long ago this key was filled, when within the storage's per-key write interval (nothing is recorded then); else undefined. */
function recentlyFilled(view: ViewState, key: string): number | undefined {
  const { storage, lastFillMs, settings } = view.isolate
  const intervalMs = storage.capabilities.minWriteIntervalMs
  if (intervalMs <= 0) return undefined
  const last = lastFillMs.get(key)
  const now = settings.now()
  if (last !== undefined && now - last < intervalMs) return now - last
  lastFillMs.set(key, now)
  return undefined
}

async function writeEntry(view: ViewState, key: string, raw: string, bytes: number, plan: TtlPlan): Promise<void> {
  const { isolate } = view
  const { storage, breaker } = isolate
  if (!breaker.allow()) {
    emit(view, { type: 'skip', key, reason: 'breaker-open' })
    return
  }
  try {
    reportOperation(storage, view.storageContext, 'write', 1)
    await withTimeout(storage.set(key, raw, { ttlSeconds: plan.physicalSeconds }, view.storageContext), budgetFor(isolate, bytes), `${storage.name}.set`)
    breaker.success()
    rememberLarge(isolate, key, bytes)
    emit(view, { type: 'fill', key, bytes, ttlSeconds: plan.ttlSeconds })
  } catch (error) {
    if (isKvCacheError(error, 'RATE_LIMITED')) {
      // A per-key limit says nothing about the backend's health: no breaker failure, the next miss refills.
      breaker.success()
      emit(view, {
        type: 'skip',
        key,
        reason: 'rate-limited',
        detail: `${storage.name} refused the write (429): another isolate wrote this key within the last second`,
      })
      return
    }
    breaker.failure()
    reportError(view, 'set', error, key)
  }
}
