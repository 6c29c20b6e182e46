// The chaos suite every binding runs (issue 19): each fault of the chaos fakes, on each backend
// the binding's cache can use, under a workload of builder reads and writes through the real ORM
// on real D1, in two isolates (two caches sharing the backend). Whatever the fault:
// - every read equals the database's (a direct read), in the writer's isolate at once, in the
//   other isolate within what the README's consistency section allows for the fault;
// - no call the ORM makes fails or hangs because of the cache, and no rejection goes unhandled;
// - a write's invalidation lands (a new isolate reads fresh), or is reported (an `error` event for
//   `versions.bump`);
// - background work (`waitUntil`) settles within the 30 s a Worker gets after its response;
// - a backend that keeps failing opens the breaker, which closes once it is back.
// Time is the test's clock (the cache's `now`, the fakes' windows): nothing sleeps on purpose.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChaosBackend, ChaosBackendName, ChaosEvent } from './chaos-backends'
import type { ChaosFault } from './chaos-engine'
import { chaosRun, ENTRY_TTL_SECONDS, HANG_BOUND_MS, HUNG_CALL_BUDGET_MS, within, type ChaosRun, type ChaosSubject, type Isolate } from './chaos-run'

export { ENTRY_TTL_SECONDS, type ChaosSubject } from './chaos-run'

/** How long after a write another isolate may still read what the database held before it. */
type Allowance = 'none' | 'until-settled' | 'window' | 'ttl'

/** One fault, where it applies, and the staleness it may cause elsewhere. */
export interface ChaosCase {
  readonly name: string
  readonly fault: ChaosFault
  /** Backends whose real counterpart fails this way. @default every backend */
  readonly only?: readonly ChaosBackendName[]
  /**
   * When the fault is on the stamps' backend (KV, the coordinator): `none`, other isolates read
   * fresh at once; `until-settled`, once the write's background retry landed; `window`, once the
   * fault's stale window passed; `ttl`, once entries filled before the write expired (the write
   * was lost where nobody can see it, or reported). The Cache API never holds stamps: `none`.
   */
  readonly allowance: Allowance
}

const STALE_WINDOW_MS = 2_000

/** The faults every binding runs under. */
export const CHAOS_CASES: readonly ChaosCase[] = [
  { name: 'throws on every call', fault: { kind: 'throw' }, allowance: 'none' },
  { name: 'throws on every third call', fault: { kind: 'throw', every: 3 }, allowance: 'until-settled' },
  { name: 'hangs', fault: { kind: 'hang' }, allowance: 'none' },
  { name: 'is slow (5 ms a call)', fault: { kind: 'slow', delayMs: 5 }, allowance: 'none' },
  // KV's rule (one write per key per second); the other backends have none like it.
  { name: 'answers 429 to a second write of a key within a second', fault: { kind: 'rate-limit' }, only: ['kv'], allowance: 'none' },
  { name: 'drops writes', fault: { kind: 'drop-writes' }, allowance: 'ttl' },
  { name: 'serves what a key held before its write for 2 s', fault: { kind: 'stale-reads', forMs: STALE_WINDOW_MS }, allowance: 'window' },
]

/** Faults that make calls fail: the cache must report them. The others must not produce an error. */
const FAILING: readonly ChaosFault['kind'][] = ['throw', 'hang']

export interface ChaosSuiteOptions<C> {
  /** For test names: `drizzle`, `kysely`, `prisma`. */
  readonly binding: string
  readonly backends: readonly ChaosBackend<C>[]
  /** Makes the database afresh; runs before each test. */
  readonly reset: () => Promise<unknown>
  /** The binding over `cache` (one per isolate); `database` is the same name for both isolates. */
  readonly subject: (cache: C, database: string) => ChaosSubject | Promise<ChaosSubject>
  /** More `createCache` options the binding needs. */
  readonly cacheOptions?: Record<string, unknown>
}

/** Defines the suite: per backend, one test per fault, and the breaker opening and closing. */
export function chaosSuite<C extends { flush(): Promise<void> }>(options: ChaosSuiteOptions<C>): void {
  const rejections = watchUnhandledRejections()
  let run: ChaosRun<C> | undefined
  afterEach(async () => {
    run?.close()
    run = undefined
  })
  for (const backend of options.backends) {
    describe(`${options.binding} on ${backend.name}, under chaos`, () => {
      for (const chaosCase of CHAOS_CASES.filter((each) => !each.only || each.only.includes(backend.name))) {
        it(`when it ${chaosCase.name}: every result is the database's, writes land or are reported, background work settles`, async () => {
          run = await chaosRun(options, backend, chaosCase.fault)
          await workload(run, backend.name === 'cache-api' ? 'none' : chaosCase.allowance)
          expectReported(run, chaosCase.fault)
          expect(rejections.seen, 'unhandled rejections').toStrictEqual([])
        }, 60_000)
      }
      for (const fault of [{ kind: 'throw' }, { kind: 'hang' }] as const) {
        it(`when it keeps failing (${fault.kind}): results stay the database's; the breaker opens, and closes once it is back`, async () => {
          // Real calls must succeed again after the fault: a budget that a loaded machine does not exceed.
          const timeoutMs = fault.kind === 'hang' ? HUNG_CALL_BUDGET_MS * 5 : undefined
          run = await chaosRun(options, backend, fault, { breaker: { failureThreshold: 2, openSeconds: 10 }, ...(timeoutMs && { timeoutMs }) })
          await breakerCycle(run, backend.name === 'cache-api' && fault.kind === 'throw')
          expect(rejections.seen, 'unhandled rejections').toStrictEqual([])
        }, 60_000)
      }
    })
  }
}

const ROUNDS = 2
/** Between two requests: past KV's one write per key per second, so every fill is sent. */
const GAP_MS = 1_100
/** Past the entries' freshness. */
const TTL_MS = ENTRY_TTL_SECONDS * 1000 + 1

async function workload(run: ChaosRun, allowance: Allowance): Promise<void> {
  const { a, b } = run
  for (let round = 1; round <= ROUNDS; round++) {
    await expectFresh(a, `round ${round}, first read`)
    await expectFresh(a, `round ${round}, second read`)
    const before = await Promise.all(a.subject.reads.map((read) => read.direct()))
    const seen = run.events.length
    await within(`round ${round}: the write`, a.subject.write(round), HANG_BOUND_MS)
    const afterWrite = run.events.slice(seen)
    expect(afterWrite.some(isInvalidation) || afterWrite.some(isBumpError), 'the write invalidated, or said why not').toBe(true)
    await expectFresh(a, `round ${round}, after the write, in the writer's isolate`)

    // The other isolate: fresh at once, or the pre-write rows within what the fault allows.
    for (const [i, read] of b.subject.reads.entries()) {
      const got = await within(`round ${round}, other isolate: ${read.name}`, read.cached(), HANG_BOUND_MS)
      const now = await read.direct()
      if (allowance === 'none') expect(got, `round ${round}, other isolate at once: ${read.name}`).toStrictEqual(now)
      else expect([now, before[i]], `round ${round}, other isolate: ${read.name} is the database's, now or before the write`).toContainEqual(got)
    }
    // Background work is awaited here only when the allowance depends on it; it always is at the end.
    if (allowance !== 'none') await run.settle()
    if (allowance === 'window') run.clock.advance(STALE_WINDOW_MS)
    // A lost stamp write cannot be seen; a reported one is not retried: entries filled before it live out their TTL.
    if (allowance === 'ttl' || (allowance === 'until-settled' && run.events.some(isBumpError))) run.clock.advance(TTL_MS)
    await expectFresh(b, `round ${round}, other isolate, once the fault's allowance passed`)
    run.clock.advance(GAP_MS)
  }
  await expectLandedOrReported(run, allowance)
}

/**
 * Once background work settled and the fault is gone, an isolate that starts afresh reads what
 * the database holds: every write's invalidation landed, unless one was reported (an `error` for
 * `versions.bump`) or lost where nobody can see it (a dropped write): then only once the entries
 * filled before it expired. Hung calls stay parked: a call that never returns never lands.
 */
async function expectLandedOrReported(run: ChaosRun, allowance: Allowance): Promise<void> {
  await run.settle()
  run.chaos.heal()
  const fresh = await run.isolate('c')
  if (allowance === 'ttl' || run.events.some(isBumpError)) run.clock.advance(TTL_MS)
  await expectFresh(fresh, 'a new isolate once the fault is gone')
}

/** A fake that failed calls left a trace in the events; a fault that fails nothing left no error. */
function expectReported(run: ChaosRun, fault: ChaosFault): void {
  const { stats } = run.chaos
  const errors = run.events.filter((event) => event.type === 'error' || (event.type === 'tier' && event.reason === 'error'))
  if (FAILING.includes(fault.kind)) {
    if (stats.thrown + stats.hung > 0) expect(errors.length, 'failed calls are reported').toBeGreaterThan(0)
  } else {
    expect(errors, 'a fault that fails no call raises no error').toStrictEqual([])
  }
  if (stats.rateLimited > 0) {
    const skipped = run.events.filter((event) => event.type === 'skip' && event.reason === 'rate-limited' && /429/.test(String(event.detail)))
    expect(skipped.length, "KV's 429s are reported as skips that name it").toBeGreaterThan(0)
  }
}

async function breakerCycle(run: ChaosRun, l1Only: boolean): Promise<void> {
  const { a, chaos, clock } = run
  const breaker = (state: string) => run.events.some((event) => event.type === 'breaker' && event.state === state)
  for (let read = 0; read < 6 && !breaker('open'); read++) await expectFresh(a, `read ${read} while the backend fails`)
  if (l1Only) {
    // A failing L1 costs only speed: L2 answers, the breaker stays closed, entries are served.
    expect(breaker('open'), 'an L1 that throws does not open the breaker').toBe(false)
    expect(
      run.events.some((event) => event.type === 'hit' && event.tier === 'L2'),
      'L2 serves hits meanwhile',
    ).toBe(true)
    return
  }
  expect(breaker('open'), 'the breaker opened').toBe(true)
  const calls = chaos.stats.calls
  await expectFresh(a, 'while the breaker is open')
  expect(chaos.stats.calls, 'no call reaches the backend while the breaker is open').toBe(calls)
  expect(run.events.some((event) => event.type === 'skip' && event.reason === 'breaker-open')).toBe(true)

  chaos.heal()
  chaos.release()
  // One probe after `openSeconds`; a real call slowed by a loaded machine can fail it, so probe again later.
  for (let probe = 0; probe < 5 && !breaker('closed'); probe++) {
    clock.advance(10_000)
    await expectFresh(a, `probe ${probe} once the backend is back`)
  }
  expect(breaker('closed'), 'the breaker closed').toBe(true)
  // Caching works again: a fill, then a hit (a real call past a hang test's short budget only delays it).
  const hits = run.events.filter((event) => event.type === 'hit').length
  for (let attempt = 0; attempt < 3 && run.events.filter((event) => event.type === 'hit').length === hits; attempt++) {
    await run.settle()
    clock.advance(GAP_MS)
    await expectFresh(a, `after the breaker closed (${attempt})`)
    await expectFresh(a, `after the breaker closed, again (${attempt})`)
  }
  expect(run.events.filter((event) => event.type === 'hit').length, 'caching works again').toBeGreaterThan(hits)
}

async function expectFresh(isolate: Isolate, label: string): Promise<void> {
  for (const read of isolate.subject.reads) {
    const got = await within(`${label}: ${read.name}`, read.cached(), HANG_BOUND_MS)
    expect(got, `${label}: ${read.name} equals the database's`).toStrictEqual(await read.direct())
  }
}

const isInvalidation = (event: ChaosEvent) => event.type === 'invalidate'
const isBumpError = (event: ChaosEvent) => event.type === 'error' && event.operation === 'versions.bump'

/** workerd dispatches `unhandledrejection` on the global scope; the suite fails on any. */
function watchUnhandledRejections() {
  const seen: unknown[] = []
  const listen = (event: Event) => seen.push((event as Event & { reason?: unknown }).reason)
  const scope = globalThis as unknown as {
    addEventListener(type: string, listener: (event: Event) => void): void
    removeEventListener(type: string, listener: (event: Event) => void): void
  }
  beforeEach(() => {
    seen.length = 0
    scope.addEventListener('unhandledrejection', listen)
  })
  afterEach(() => scope.removeEventListener('unhandledrejection', listen))
  return { seen }
}
