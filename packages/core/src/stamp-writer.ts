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
  const { storage, timeoutMs, now } = settings
  let pending: Stamp | undefined
  let checkFirst = true
  /** Newest stamp known to be in storage (written by us, or found there). */
  let landed: Stamp | undefined
  let lastAttemptMs = Number.NEGATIVE_INFINITY
  let running: Promise<void> | undefined
  let context: BumpContext | undefined

  const coveredInStorage = async (stamp: Stamp): Promise<boolean> => {
    const found = await withTimeout(storage.get(key), timeoutMs, `${storage.name}.get`)
    if (!isPlausibleStamp(found, now())) return false
    settings.observe(found)
    if (found < stamp) return false
    landed = maxStamp(landed ?? found, found)
    return true
  }

  // A write we stopped waiting for may still land, older than what followed it: write the newest again.
  const watchLateWrite = (write: Promise<unknown>, stamp: Stamp) => {
    void write.then(
      () => {
        if (landed !== undefined && landed > stamp) void writer.offer(landed, context, { storageChecked: false })
      },
      () => undefined,
    )
  }

  const attempt = async (stamp: Stamp, check: boolean) => {
    if (check && (await coveredInStorage(stamp))) return
    lastAttemptMs = now()
    const write = Promise.resolve(storage.set(key, stamp))
    try {
      await withTimeout(write, timeoutMs, `${storage.name}.set`)
    } catch (error) {
      if (isKvCacheError(error, 'TIMEOUT')) watchLateWrite(write, stamp)
      throw error
    }
    landed = maxStamp(landed ?? stamp, stamp)
  }

  const drain = async (firstAttempted: () => void) => {
    let failures = 0
    while (pending !== undefined) {
      const delay = failures === 0 ? settings.intervalMs : settings.retryBaseMs * 2 ** (failures - 1)
      const wait = lastAttemptMs + delay - now()
      const waited = wait > 0
      if (waited) await sleep(wait)
      const stamp = pending
      pending = undefined
      const check = checkFirst || waited || failures > 0
      checkFirst = true
      try {
        await attempt(stamp, check)
        failures = 0
      } catch (error) {
        lastAttemptMs = now()
        pending = maxStamp(pending ?? stamp, stamp)
        failures++
        if (failures > settings.maxRetries) {
          pending = undefined
          context?.onError?.(kvCacheError('STORAGE_FAILED', 'storage-versions', `Gave up writing stamp ${key} after ${settings.maxRetries} retries.`, error))
        }
      } finally {
        firstAttempted()
      }
    }
  }

  const writer: StampWriter = {
    offer(stamp, offerContext, options) {
      pending = maxStamp(pending ?? stamp, stamp)
      context = offerContext ?? context
      if (running) {
        // Coalesced into the drain already under way for this key.
        offerContext?.waitUntil?.(running)
        return Promise.resolve()
      }
      checkFirst = !options.storageChecked
      const immediate = now() - lastAttemptMs >= settings.intervalMs
      let signal!: () => void
      const attempted = new Promise<void>((resolve) => (signal = resolve))
      const current = drain(signal).finally(() => {
        if (running === current) running = undefined
      })
      running = current
      offerContext?.waitUntil?.(current)
      return immediate ? attempted : Promise.resolve()
    },
    get running() {
      return running
    },
    get lastAttemptMs() {
      return lastAttemptMs
    },
  }
  return writer
}
