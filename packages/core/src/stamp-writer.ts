import { isPlausibleStamp, maxStamp } from './clock'
import { isKvCacheError, kvCacheError } from './errors'
import { withTimeout } from './timeout'
import type { BumpContext, Stamp, Storage } from './types'

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
}

/** The single writer of one stamp key in this isolate. */
export interface StampWriter {
  /**
   * Queues `stamp` (coalesced with anything pending). Resolves once the first attempt settled when
   * it can go out at once, else immediately (a throttled or retried write finishes in the background).
   */
  offer(stamp: Stamp, context: BumpContext | undefined, options: { readonly storageChecked: boolean }): Promise<void>
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
  pending: Stamp | undefined
  /** Whether the next write must read storage first (false right after a bump read it). */
  checkFirst: boolean
  /** Newest stamp known to be in storage (written by us, or found there). */
  landed: Stamp | undefined
  lastAttemptMs: number
  running: Promise<void> | undefined
  context: BumpContext | undefined
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

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
    lastAttemptMs: Number.NEGATIVE_INFINITY,
    running: undefined,
    context: undefined,
  }
  return {
    offer: (stamp, context, options) => offer(state, stamp, context, options.storageChecked),
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

function offer(state: KeyState, stamp: Stamp, context: BumpContext | undefined, storageChecked: boolean): Promise<void> {
  state.pending = maxStamp(state.pending ?? stamp, stamp)
  state.context = context ?? state.context
  if (state.running) {
    // Coalesced into the drain already under way for this key.
    context?.waitUntil?.(state.running)
    return Promise.resolve()
  }
  state.checkFirst = !storageChecked
  const immediate = state.settings.now() - state.lastAttemptMs >= state.settings.intervalMs
  let signal!: () => void
  const attempted = new Promise<void>((resolve) => (signal = resolve))
  const current = drain(state, signal).finally(() => {
    if (state.running === current) state.running = undefined
  })
  state.running = current
  context?.waitUntil?.(current)
  return immediate ? attempted : Promise.resolve()
}

/** Writes the newest pending stamp until none is left, waiting out the interval and backing off on failure. */
async function drain(state: KeyState, firstAttempted: () => void): Promise<void> {
  const { settings } = state
  let failures = 0
  while (state.pending !== undefined) {
    const delay = failures === 0 ? settings.intervalMs : settings.retryBaseMs * 2 ** (failures - 1)
    const wait = state.lastAttemptMs + delay - settings.now()
    if (wait > 0) await sleep(wait)
    const stamp = state.pending
    state.pending = undefined
    const check = state.checkFirst || wait > 0 || failures > 0
    state.checkFirst = true
    try {
      await attempt(state, stamp, check)
      failures = 0
    } catch (error) {
      state.lastAttemptMs = settings.now()
      state.pending = maxStamp(state.pending ?? stamp, stamp)
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

async function attempt(state: KeyState, stamp: Stamp, check: boolean): Promise<void> {
  const { storage, timeoutMs, now } = state.settings
  if (check && (await coveredInStorage(state, stamp))) return
  state.lastAttemptMs = now()
  const write = Promise.resolve(storage.set(state.key, stamp))
  try {
    await withTimeout(write, timeoutMs, `${storage.name}.set`)
  } catch (error) {
    if (isKvCacheError(error, 'TIMEOUT')) watchLateWrite(state, write, stamp)
    throw error
  }
  state.landed = maxStamp(state.landed ?? stamp, stamp)
}

/** True when storage already holds this stamp or a newer one (which covers this bump). */
async function coveredInStorage(state: KeyState, stamp: Stamp): Promise<boolean> {
  const { storage, timeoutMs, now, observe } = state.settings
  const found = await withTimeout(storage.get(state.key), timeoutMs, `${storage.name}.get`)
  if (!isPlausibleStamp(found, now())) return false
  observe(found)
  if (found < stamp) return false
  state.landed = maxStamp(state.landed ?? found, found)
  return true
}

/** A write we stopped waiting for may still land, older than what followed it: write the newest again. */
function watchLateWrite(state: KeyState, write: Promise<unknown>, stamp: Stamp): void {
  void write.then(
    () => {
      if (state.landed !== undefined && state.landed > stamp) void offer(state, state.landed, state.context, false)
    },
    () => undefined,
  )
}
