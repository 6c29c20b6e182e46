import { parseEntry } from './entry'
import { isKvCacheError } from './errors'
import type { Isolate } from './isolate'
import { isOwnScope } from './layout'
import { bulkGet } from './bulk-get'
import { reportOperation } from './operations'
import { withTimeout } from './timeout'
import type { ReadContext, Stamp, StampReading, Storage, StorageContext } from './types'
import type { ViewState } from './view-state'

/** A stored entry (null when absent) and the current stamps of the scopes it was looked up with. */
export interface Found {
  readonly raw: string | null
  /** The stamps to judge the entry by: this isolate's own pending bumps included. */
  readonly current: readonly Stamp[]
  /** What the version store holds for each scope (see `StampReading`); equal to `current` unless a bump of this isolate is pending. */
  readonly held: readonly Stamp[]
  /** The source position recorded with each stamp, when the store keeps them (see `StampReading.positions`). */
  readonly positions: readonly (string | undefined)[] | undefined
  /** Which tier of a two-tier storage held the entry. */
  readonly tier?: 'L1' | 'L2' | undefined
}

/** What the store holds, from a reading that may have been raised to this isolate's pending bumps. */
export const heldOf = (reading: StampReading): readonly Stamp[] => reading.held ?? reading

/** Values at least this large may legitimately take longer than `timeoutMs` to read. */
export const LARGE_VALUE_BYTES = 1024 * 1024
/** Extra budget per byte for reads and writes of large values (10 MiB/s, well below KV's). */
const LARGE_BYTES_PER_MS = 10 * 1024

/** The time budget of one storage call moving `bytes` bytes, in milliseconds. */
export function budgetFor(isolate: Isolate, bytes: number): number {
  return isolate.settings.timeoutMs + Math.ceil(bytes / LARGE_BYTES_PER_MS)
}

export function rememberLarge(isolate: Isolate, key: string, bytes: number): void {
  if (bytes >= LARGE_VALUE_BYTES) isolate.largeKeys.set(key, bytes)
}

/**
 * An entry and its stamps in one round trip: one bulk read (in chunks of `maxBatchGet`) when
 * stamps sit beside entries, one composite read when they sit in its durable tier, else the entry
 * and the version store in parallel.
 */
async function fetchEntry(isolate: Isolate, key: string, scopes: readonly string[], context: StorageContext, readContext: ReadContext): Promise<Found> {
  const { storage, colocated, versions } = isolate
  if (!colocated) {
    reportOperation(storage, context, 'read', 1)
    const [raw, current] = await Promise.all([storage.get(key, context), versions.read(scopes, readContext)])
    return { raw, current, held: heldOf(current), positions: current.positions }
  }
  const stampKeys = scopes.map(colocated.keyOf)
  if (colocated.storage === storage) {
    // Every hit on KV: one step from the storage call to the decoded stamps.
    return bulkGet(storage, [key, ...stampKeys], context).then((found) => decodeStamps(colocated, scopes, stampKeys, found, found.get(key) ?? null, undefined))
  }
  const read = await (storage.readWithDurable as NonNullable<Storage['readWithDurable']>)(key, stampKeys, context)
  return decodeStamps(colocated, scopes, stampKeys, read.durable, read.value, read.tier)
}

/** Every hit runs this: one pass, no intermediate arrays. */
function decodeStamps(
  colocated: NonNullable<Isolate['colocated']>,
  scopes: readonly string[],
  stampKeys: readonly string[],
  found: ReadonlyMap<string, string | null>,
  raw: string | null,
  tier: Found['tier'],
): Found {
  const current: Stamp[] = []
  const held: Stamp[] = []
  const positions: (string | undefined)[] = []
  for (let i = 0; i < scopes.length; i++) {
    const stamp = colocated.decode(scopes[i] as string, found.get(stampKeys[i] as string) ?? null)
    current.push(stamp.current)
    held.push(stamp.held)
    positions.push(stamp.position)
  }
  return tier === undefined ? { raw, current, held, positions } : { raw, current, held, positions, tier }
}

/**
 * Reads an entry and its stamps within the read budget, keeping the breaker informed. A read that
 * timed out but later delivers a large value was slow, not down: the breaker forgives it, and the
 * key's next read gets a budget that fits its size.
 */
export async function readEntry(isolate: Isolate, key: string, scopes: readonly string[], context: StorageContext, readContext: ReadContext): Promise<Found> {
  const work = fetchEntry(isolate, key, scopes, context, readContext)
  try {
    const found = await withTimeout(work, budgetFor(isolate, isolate.largeKeys.get(key) ?? 0), isolate.storage.name, '.get')
    isolate.breaker.success()
    if (found.raw !== null) rememberLarge(isolate, key, found.raw.length)
    return found
  } catch (error) {
    isolate.breaker.failure()
    if (isKvCacheError(error, 'TIMEOUT')) forgiveIfLarge(isolate, key, work)
    throw error
  }
}

function forgiveIfLarge(isolate: Isolate, key: string, late: Promise<Found>): void {
  void late.then(
    (found) => {
      const size = found.raw?.length ?? 0
      if (size < LARGE_VALUE_BYTES) return
      isolate.breaker.forgive()
      rememberLarge(isolate, key, size)
    },
    () => undefined,
  )
}

/** `get(key)` without a target: the entry names its scopes, so its stamps are read second. */
export async function readUntargeted(view: ViewState, key: string): Promise<Found & { readonly scopes: readonly string[] }> {
  const { isolate } = view
  const { storage, versions, settings } = isolate
  try {
    reportOperation(storage, view.storageContext, 'read', 1)
    const raw = await withTimeout(storage.get(key, view.storageContext), settings.timeoutMs, `${storage.name}.get`)
    const listed = (raw === null ? undefined : parseEntry(raw)?.scopes) ?? []
    // Scopes read from storage are untrusted: only this view's own, well-formed ones are looked up.
    const scopes = listed.every((scope) => isOwnScope(view.tenant, scope)) ? listed : []
    const current = await withTimeout(versions.read(scopes, view.readContext), settings.timeoutMs, `${versions.name}.read`)
    isolate.breaker.success()
    return { raw: scopes === listed ? raw : null, current, held: heldOf(current), positions: current.positions, scopes }
  } catch (error) {
    isolate.breaker.failure()
    throw error
  }
}
