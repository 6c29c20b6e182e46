import { ZERO_STAMP } from './clock'
import type { Flight, Outcome } from './isolate'
import { decodeFor } from './read-path'
import { emit, see, type ViewState } from './view-state'

/** How long a caller waits for an identical lookup already in flight before going alone. */
const LEADER_WAIT_MS = 30_000
/** Lookups in flight one isolate keeps for joining, at most. */
const MAX_FLIGHTS = 10_000
/** How often a waiting caller re-arms its own timer. */
const LEADER_POLL_MS = 250

/**
 * Runs `lookup` once per key at a time in this isolate: identical concurrent lookups join the
 * first one and get their own decoded copy of its result.
 */
export async function dedupe<T>(view: ViewState, key: string, scopes: readonly string[], lookup: () => Promise<Outcome<T>>): Promise<T> {
  const { inflight } = view.isolate
  // A view with a bookmark must not join a lookup that may serve entries older than it.
  const flightKey = view.floor === ZERO_STAMP ? key : `${key}|${view.floor}`
  const pending = inflight.get(flightKey)
  if (pending) return follow(view, key, scopes, pending.promise as Promise<Outcome<T>>, lookup)
  const started = lookup()
  // A flood of distinct slow lookups must not grow the map without bound: past the cap, no joining.
  if (inflight.size >= MAX_FLIGHTS) return (await started).value
  const flight: Flight = { promise: started as Promise<Outcome<unknown>>, scopes }
  inflight.set(flightKey, flight)
  try {
    return (await started).value
  } finally {
    if (inflight.get(flightKey) === flight) inflight.delete(flightKey)
  }
}

async function follow<T>(view: ViewState, key: string, scopes: readonly string[], leader: Promise<Outcome<T>>, lookup: () => Promise<Outcome<T>>): Promise<T> {
  const joined = await waitForLeader(leader)
  // The leader is slow, or older than a write this request must see: look up on our own.
  if (!joined || !(await currentFor(view, scopes, joined))) return (await lookup()).value
  emit(view, { type: 'joined', key })
  // The leader's result is now this caller's too: its bookmark moves past it.
  see(view, joined.readStamp)
  if (joined.encoded) {
    const copy = decodeFor(view, key, joined.encoded)
    if (copy.ok) return copy.value as T
  }
  return joined.value
}

/**
 * With a store that makes a write visible everywhere at once, a request that started after a write
 * finished elsewhere must not get a leader's result from before it: the follower checks the
 * stamps itself (one version-store read). An eventually consistent store promises no such thing.
 */
async function currentFor(view: ViewState, scopes: readonly string[], joined: Outcome<unknown>): Promise<boolean> {
  const { versions } = view.isolate
  if ((versions.consistency ?? 'eventual') === 'eventual') return true
  if (!joined.stamps) return false
  try {
    const current = await versions.read(scopes, view.readContext)
    return current.every((stamp, i) => stamp <= (joined.stamps?.[i] ?? ''))
  } catch {
    return false
  }
}

/**
 * Waits for another caller's lookup, re-arming a short timer of its own while it waits. The timer
 * matters on Workers: a request that only awaits a promise another request will settle has no
 * pending I/O of its own, and the runtime cancels it as hung. Gives up (undefined) after
 * `LEADER_WAIT_MS`; a leader's error is the follower's error too (one failing query, not N).
 */
async function waitForLeader<T>(leader: Promise<T>): Promise<T | undefined> {
  const deadline = Date.now() + LEADER_WAIT_MS
  const settled = leader.then((value) => ({ value }))
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), LEADER_POLL_MS)
    })
    const result = await Promise.race([settled, tick]).finally(() => clearTimeout(timer))
    if (result) return result.value
    if (Date.now() >= deadline) return undefined
  }
}
