import { isPlausibleStamp, maxStamp } from './clock'
import { isKvCacheError, kvCacheError } from './errors'
import { meteringOf, reportOperation } from './operations'
import { decodeStampValue, encodeStampValue, mergePositions, type SourcePosition } from './source-position'
import { withTimeout } from './timeout'
import type { BumpContext, Stamp, Storage } from './types'

/** What one stamp write carries: the stamp, and where the source stood after the writes it covers. */
export interface StampMark {
  readonly stamp: Stamp
  readonly position: SourcePosition | undefined
}

/** Two bumps coalesced: the newer stamp, and a position that covers both writes (none if either had none). */
const merged = (a: StampMark | undefined, b: StampMark): StampMark =>
  a === undefined ? b : { stamp: maxStamp(a.stamp, b.stamp), position: mergePositions(a.position, b.position) }

/** What every key's writer shares. */
export interface StampWriterSettings {
  readonly storage: Storage
  /** Budget of one storage call, in milliseconds. */
  readonly timeoutMs: number
  /** Per-key write interval of the storage, in milliseconds (KV: 1000). */
  readonly intervalMs: number
  readonly retryBaseMs: number
  readonly maxRetries: number
  readonly now: () => number
  /** Told about stamps found in storage, so later bumps outrank them. */
  readonly observe: (stamp: Stamp) => void
  /** Mints a stamp now (after everything observed): a write that waited or failed goes out with a fresh one. */
  readonly mint: () => Stamp
}

/** The single writer of one stamp key in this isolate. */
export interface StampWriter {
  /**
   * Queues `stamp` (coalesced with anything pending). Resolves once the first attempt settled when
   * it can go out at once, else immediately (a throttled or retried write finishes in the background).
   */
  offer(mark: StampMark, context: BumpContext | undefined, options: { readonly storageChecked: boolean }): Promise<void>
  /** The drain in progress, if any. */
  readonly running: Promise<void> | undefined
  readonly lastAttemptMs: number
  /** Newest stamp known to be in storage (written by this writer, or found there by its check). */
  readonly landed: Stamp | undefined
}

/** One key's writer state. */
interface KeyState {
  readonly key: string
  readonly settings: StampWriterSettings
  /** Newest stamp waiting to be written. */
  pending: StampMark | undefined
  /** Whether the next write must read storage first (false right after a bump read it). */
  checkFirst: boolean
  /** Newest stamp known to be in storage (written by us, or found there). */
  landed: Stamp | undefined
  /** The newest stamp this writer wrote, with its position: written again over a late older write. */
  landedMark: StampMark | undefined
  lastAttemptMs: number
  running: Promise<void> | undefined
  /** When the running drain should have made progress by: past it, its timers died with a request (see `offer`). */
  dueMs: number
  context: BumpContext | undefined
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Slack on a drain's due time: a busy isolate runs timers late. */
const DUE_SLACK_MS = 500

/** True when `work` settled within `ms` (on a timer of the caller's own). */
async function settledWithin(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))))
  return Promise.race([work.then(() => true), late]).finally(() => clearTimeout(timer))
}

/**
 * One key's stamp writes, in order:
 * - coalesced: bumps arriving while a write waits out the per-key interval join it;
 * - checked: before a write that did not follow a fresh read, it reads what storage holds and
 *   never writes an older stamp (a newer one there already covers this bump);
 * - bounded: every storage call has the read budget; a write that times out is retried, never
 *   awaited forever, and if it lands late with an older stamp, the newest one is written again.
 */
export function createStampWriter(key: string, settings: StampWriterSettings): StampWriter {
  const state: KeyState = {
    key,
    settings,
    pending: undefined,
    checkFirst: true,
    landed: undefined,
    landedMark: undefined,
    lastAttemptMs: Number.NEGATIVE_INFINITY,
    running: undefined,
    dueMs: Number.POSITIVE_INFINITY,
    context: undefined,
  }
  return {
    offer: (mark, context, options) => offer(state, mark, context, options.storageChecked),
    get running() {
      return state.running
    },
    get lastAttemptMs() {
      return state.lastAttemptMs
    },
    get landed() {
      return state.landed
    },
  }
}

/**
 * In workerd, a request's timers stop with it unless `waitUntil` holds it open. So a bump without
 * `waitUntil` waits until its write was attempted (after the per-key interval), and a drain that
 * missed its due time (its request ended) is replaced: otherwise every later bump of the key in
 * this isolate would join a write that never happens.
 */
function offer(state: KeyState, mark: StampMark, context: BumpContext | undefined, storageChecked: boolean): Promise<void> {
  state.pending = merged(state.pending, mark)
  state.context = context ?? state.context
  const running = state.running
  if (running && state.settings.now() <= state.dueMs) {
    // Coalesced into the drain already under way for this key.
    if (context?.waitUntil) {
      context.waitUntil(running)
      return Promise.resolve()
    }
    return settledWithin(running, state.dueMs - state.settings.now()).then((settled) => (settled ? undefined : offer(state, mark, context, false)))
  }
  state.checkFirst = !storageChecked || running !== undefined
  const immediate = state.settings.now() - state.lastAttemptMs >= state.settings.intervalMs
  let signal!: () => void
  const attempted = new Promise<void>((resolve) => (signal = resolve))
  const current = drain(state, signal).finally(() => {
    if (state.running === current) state.running = undefined
  })
  state.running = current
  context?.waitUntil?.(current)
  return immediate || !context?.waitUntil ? attempted : Promise.resolve()
}

/** Writes the newest pending stamp until none is left, waiting out the interval and backing off on failure. */
async function drain(state: KeyState, firstAttempted: () => void): Promise<void> {
  const { settings } = state
  let failures = 0
  while (state.pending !== undefined) {
    const delay = failures === 0 ? settings.intervalMs : settings.retryBaseMs * 2 ** (failures - 1)
    const wait = state.lastAttemptMs + delay - settings.now()
    // Due once the wait, a check read and a write (each bounded by the timeout) are over.
    state.dueMs = settings.now() + Math.max(0, wait) + 2 * settings.timeoutMs + DUE_SLACK_MS
    if (wait > 0) await sleep(wait)
    // A write that waited or failed may land after other isolates' newer stamps (KV keeps the last
    // write, and our check read may not see theirs yet): it goes out with a stamp minted now, which
    // can only invalidate more, never bring an older stamp back.
    const late = wait > 0 || failures > 0
    const mark = late && state.pending ? { ...state.pending, stamp: maxStamp(state.pending.stamp, settings.mint()) } : state.pending
    state.pending = undefined
    const check = state.checkFirst || late
    state.checkFirst = true
    try {
      await attempt(state, mark, check)
      failures = 0
    } catch (error) {
      state.lastAttemptMs = settings.now()
      state.pending = merged(state.pending, mark)
      failures++
      if (failures > settings.maxRetries) giveUp(state, error)
    } finally {
      firstAttempted()
    }
  }
}

function giveUp(state: KeyState, error: unknown): void {
  state.pending = undefined
  const message = `Gave up writing stamp ${state.key} after ${state.settings.maxRetries} retries.`
  state.context?.onError?.(kvCacheError('STORAGE_FAILED', 'storage-versions', message, error))
}

async function attempt(state: KeyState, planned: StampMark, check: boolean): Promise<void> {
  const { storage, timeoutMs, now } = state.settings
  const mark = check ? await markAfterCheck(state, planned) : planned
  if (mark === undefined) return
  state.lastAttemptMs = now()
  // Counted for the request whose bump is being written (the latest one, when bumps coalesced).
  const metering = meteringOf(state.context)
  reportOperation(storage, metering, 'write', 1)
  const write = Promise.resolve(storage.set(state.key, encodeStampValue(mark.stamp, mark.position), undefined, metering))
  try {
    await withTimeout(write, timeoutMs, `${storage.name}.set`)
  } catch (error) {
    if (isKvCacheError(error, 'TIMEOUT')) watchLateWrite(state, write, mark)
    throw error
  }
  state.landed = maxStamp(state.landed ?? mark.stamp, mark.stamp)
  state.landedMark = mark
}

/**
 * What to write after reading what storage holds: nothing when a stamp there already covers this
 * bump (as new, with a position at least as recent); the newer stamp with both positions merged
 * when one there is newer but its position misses this write; else this bump as planned.
 */
async function markAfterCheck(state: KeyState, planned: StampMark): Promise<StampMark | undefined> {
  const { storage, timeoutMs, now, observe } = state.settings
  const metering = meteringOf(state.context)
  reportOperation(storage, metering, 'read', 1)
  const raw = await withTimeout(storage.get(state.key, metering), timeoutMs, `${storage.name}.get`)
  const found = decodeStampValue(raw, now())
  if (raw === null || !isPlausibleStamp(found.stamp, now())) return planned
  observe(found.stamp)
  if (found.stamp < planned.stamp) return planned
  state.landed = maxStamp(state.landed ?? found.stamp, found.stamp)
  const position = mergePositions(found.position, planned.position)
  state.landedMark = { stamp: found.stamp, position }
  return position === found.position ? undefined : state.landedMark
}

/** A write we stopped waiting for may still land, older than what followed it: write the newest again. */
function watchLateWrite(state: KeyState, write: Promise<unknown>, mark: StampMark): void {
  void write.then(
    () => {
      const newest = state.landedMark
      if (newest !== undefined && newest.stamp > mark.stamp) void offer(state, newest, state.context, false)
    },
    () => undefined,
  )
}
