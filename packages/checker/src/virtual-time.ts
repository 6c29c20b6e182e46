import { createHash } from 'node:crypto'

/**
 * Simulated time: a clock and a timer queue that only move when the run loop moves them, so a
 * minute of KV propagation runs in milliseconds and every run of a seed is the same run.
 */
export interface VirtualTime {
  /** Simulated epoch milliseconds. */
  now(): number
  setTimeout(callback: () => void, ms: number): number
  clearTimeout(id: unknown): void
  /** Resolves after `ms` simulated milliseconds. */
  sleep(ms: number): Promise<void>
  /** Fires every timer due up to `untilMs` in time order, letting promise chains settle before each one. */
  runUntil(untilMs: number): Promise<void>
  /** Timers not yet fired. */
  readonly pending: number
}

interface Timer {
  readonly at: number
  readonly seq: number
  readonly callback: () => void
}

const realSetImmediate = globalThis.setImmediate

let installed = false

/**
 * Lets every promise chain settle without moving the clock: a macrotask runs only once the
 * microtask queue is empty. (Nothing else is asynchronous in a run: storage, source and timers are
 * simulated, and SHA-256 digests are computed synchronously, see `withSimulatedGlobals`.)
 */
export function settle(): Promise<void> {
  return new Promise<void>((resolve) => realSetImmediate(resolve))
}

export function createVirtualTime(startMs: number): VirtualTime {
  let current = startMs
  let seq = 0
  const heap: Timer[] = []
  const cancelled = new Set<number>()
  const live = new Set<number>()

  const before = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq)
  const push = (timer: Timer) => {
    heap.push(timer)
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1
      if (!before(heap[i] as Timer, heap[parent] as Timer)) break
      ;[heap[i], heap[parent]] = [heap[parent] as Timer, heap[i] as Timer]
      i = parent
    }
  }
  const pop = (): Timer | undefined => {
    const top = heap[0]
    const last = heap.pop()
    if (heap.length > 0 && last) {
      heap[0] = last
      for (let i = 0; ; ) {
        const left = 2 * i + 1
        const smallest = [left, left + 1].reduce((best, j) => (j < heap.length && before(heap[j] as Timer, heap[best] as Timer) ? j : best), i)
        if (smallest === i) break
        ;[heap[i], heap[smallest]] = [heap[smallest] as Timer, heap[i] as Timer]
        i = smallest
      }
    }
    return top
  }
  const peek = (): Timer | undefined => {
    while (heap.length > 0 && cancelled.has((heap[0] as Timer).seq)) cancelled.delete((pop() as Timer).seq)
    return heap[0]
  }

  const time: VirtualTime = {
    now: () => current,
    setTimeout(callback, ms) {
      seq++
      live.add(seq)
      push({ at: current + Math.max(0, Math.floor(ms || 0)), seq, callback })
      return seq
    },
    clearTimeout(id) {
      if (typeof id === 'number' && live.delete(id)) cancelled.add(id)
    },
    sleep: (ms) => new Promise<void>((resolve) => time.setTimeout(resolve, ms)),
    async runUntil(untilMs) {
      for (;;) {
        await settle()
        const next = peek()
        if (!next || next.at > untilMs) break
        pop()
        live.delete(next.seq)
        current = Math.max(current, next.at)
        next.callback()
      }
      current = Math.max(current, untilMs)
    },
    get pending() {
      return live.size
    },
  }
  return time
}

/**
 * Runs `work` with the globals the core reads time and randomness from pointed at the simulation:
 * `setTimeout`/`clearTimeout` and `Date.now` (the stamp writer's interval and retries, every
 * storage budget, the de-dup follower's poll), `Math.random` (the stamp clock's tie-breaking
 * digits) and `crypto.subtle.digest` for SHA-256 (key hashing): the same digest from node:crypto,
 * computed at once, since WebCrypto's runs on the thread pool and would finish at a real time the
 * simulation cannot order. Restored afterwards, even on failure.
 */
export async function withSimulatedGlobals<T>(time: VirtualTime, random: () => number, work: () => Promise<T>): Promise<T> {
  if (installed) throw new Error('[checker] one simulated run at a time per process: await the previous run first.')
  installed = true
  const saved = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout, now: Date.now, random: Math.random }
  const subtle = globalThis.crypto.subtle
  const realDigest = subtle.digest.bind(subtle)
  const syncDigest = (algorithm: AlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer> => {
    const name = typeof algorithm === 'string' ? algorithm : algorithm.name
    if (name.toUpperCase() !== 'SHA-256') return realDigest(algorithm, data)
    const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data)
    const digest = createHash('sha256').update(bytes).digest()
    return Promise.resolve(digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength))
  }
  globalThis.setTimeout = ((callback: () => void, ms?: number) => time.setTimeout(callback, ms ?? 0)) as unknown as typeof setTimeout
  globalThis.clearTimeout = ((id: unknown) => time.clearTimeout(id)) as typeof clearTimeout
  Date.now = time.now
  Math.random = random
  Object.defineProperty(subtle, 'digest', { value: syncDigest, configurable: true, writable: true })
  try {
    return await work()
  } finally {
    globalThis.setTimeout = saved.setTimeout
    globalThis.clearTimeout = saved.clearTimeout
    Date.now = saved.now
    Math.random = saved.random
    delete (subtle as { digest?: unknown }).digest
    installed = false
  }
}
