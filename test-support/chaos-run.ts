// One chaos test's world: a fresh database, one fake in front of the backend, two isolates (two
// caches sharing it, each with the binding on top), one clock, the events, and the background
// work handed to `waitUntil`.
import type { ChaosBackend, ChaosEvent } from './chaos-backends'
import type { ChaosControls, ChaosFault } from './chaos-engine'

/** What the suite drives through one binding. */
export interface ChaosSubject {
  /** Builder reads through the cache, each with the same read straight from the database. */
  readonly reads: readonly { readonly name: string; readonly cached: () => Promise<unknown>; readonly direct: () => Promise<unknown> }[]
  /** A write through the ORM that changes what every read returns (`n` differs on every call). */
  readonly write: (n: number) => Promise<unknown>
}

export interface Isolate {
  readonly subject: ChaosSubject
}

/** A query that never settles is caught here, well past any budget the cache has (only a hang is detected). */
export const HANG_BOUND_MS = 10_000
/** What a Worker's `waitUntil` gets after the response. */
const WAIT_UNTIL_LIMIT_MS = 30_000
/**
 * The budget of one storage or coordinator call (the cache's `timeoutMs`): what a hung call costs
 * a query. Short under a hang; generous otherwise, where no call should time out, so that a real
 * call slowed by a loaded machine never reads as a failure.
 */
export const HUNG_CALL_BUDGET_MS = 50
const CALL_BUDGET_MS = 5_000

/** Rejects with a message naming `label` if `work` has not settled within `ms`. */
export async function within<T>(label: string, work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} did not settle within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Freshness of every entry, in seconds: short, so "until entries filled before the write expire"
 * is a few seconds of the test's clock. KV keeps the bytes 60 s; freshness is the cache's call.
 */
export const ENTRY_TTL_SECONDS = 5

/** The test's clock: starts at the real time (a Durable Object stamps by its own clock, and proposals far from it are refused), moves only when told. */
function testClock() {
  let current = Date.now()
  return {
    now: () => current,
    advance(ms: number) {
      current += ms
    },
  }
}

interface RunOptions<C> {
  readonly reset: () => Promise<unknown>
  readonly subject: (cache: C, database: string) => ChaosSubject | Promise<ChaosSubject>
  readonly cacheOptions?: Record<string, unknown>
}

export async function chaosRun<C extends { flush(): Promise<void> }>(
  options: RunOptions<C>,
  backend: ChaosBackend<C>,
  fault: ChaosFault,
  settings: { readonly breaker?: { readonly failureThreshold: number; readonly openSeconds: number }; readonly timeoutMs?: number } = {},
) {
  await options.reset()
  const clock = testClock()
  const events: ChaosEvent[] = []
  const pending = new Set<Promise<unknown>>()
  const waitUntil = (promise: Promise<unknown>) => {
    pending.add(promise)
    const done = () => pending.delete(promise)
    promise.then(done, done)
  }
  const opened = backend.open({ fault, now: clock.now })
  const id = crypto.randomUUID().slice(0, 8)
  const isolates: { cache: C }[] = []
  const isolate = async (label: string) => {
    const cache = opened.cacheFor({
      prefix: `chaos-${id}`,
      now: clock.now,
      onEvent: (event) => events.push({ ...event, isolate: label }),
      waitUntil,
      timeoutMs: settings.timeoutMs ?? (fault.kind === 'hang' ? HUNG_CALL_BUDGET_MS : CALL_BUDGET_MS),
      ttlSeconds: ENTRY_TTL_SECONDS,
      ...(settings.breaker && { breaker: settings.breaker }),
      ...(options.cacheOptions && { extra: options.cacheOptions }),
    })
    const made = { cache, subject: await options.subject(cache, `chaos-${id}`) }
    isolates.push(made)
    return made
  }
  const a = await isolate('a')
  const b = await isolate('b')
  return {
    a,
    b,
    clock,
    events,
    chaos: opened.chaos as ChaosControls,
    /** Another isolate on the same backend, database and clock. */
    isolate,
    /** Waits for every promise handed to `waitUntil`, and each cache's own background work, within a Worker's 30 s. */
    async settle() {
      const work = (async () => {
        while (pending.size > 0) await Promise.allSettled([...pending])
        await Promise.all(isolates.map(({ cache }) => cache.flush()))
      })()
      await within('background work (waitUntil)', work, WAIT_UNTIL_LIMIT_MS)
    },
    close: () => opened.close(),
  }
}

export type ChaosRun<C extends { flush(): Promise<void> } = { flush(): Promise<void> }> = Awaited<ReturnType<typeof chaosRun<C>>>
