import type { BindingRuntime } from '@kvcache/core/binding'

const WRAP_FIX =
  'Wrap the driver you pass to drizzle(): drizzle(kv.d1(env.DB), { cache: kv }), drizzle({ client: kv.pg(pool), cache: kv }) or drizzle({ client: kv.libsql(client), cache: kv }).'

/**
 * Setups that make this binding cache nothing, noticed from the calls it gets and reported once
 * per binding as `misconfigured` (written to the console once per isolate when nobody listens):
 *
 * - Drizzle was given `cache: kv` but not a wrapped driver: Drizzle consults the cache, no wrapper ever runs a statement;
 * - a wrapped driver runs reads with `strategy: 'explicit'`, but Drizzle never consulted this cache
 *   (`cache: kv` missing from `drizzle()`): no `$withCache()` can reach us;
 * - `$withCache({ config })` with a moment (`exat`, `pxat`) already past: that read is never stored;
 * - a D1 session wrapped without its database: reads after writes cannot be re-anchored, so are not stored.
 */
export interface SetupChecks {
  /** A driver wrapper was handed out. */
  wrapped(): void
  /** Drizzle consulted the cache (`strategy()`, `get()`). True when a wrapper exists (else reported). */
  consulted(): boolean
  /** A wrapper is about to serve a read outside a transaction. */
  readThroughWrapper(): void
  /** A `$withCache` expiry that has already passed. */
  momentPassed(): void
  /** `kv.d1()` was given a D1 session, not the database: misses after a write cannot be re-anchored. */
  sessionWithoutDatabase(): void
}

export function createSetupChecks(runtime: BindingRuntime): SetupChecks {
  let wrapped = false
  let consulted = false
  const reported = new Set<string>()
  const once = (problem: string, fix: string) => {
    if (reported.has(problem)) return
    reported.add(problem)
    runtime.misconfigured(problem, fix)
  }
  return {
    wrapped() {
      wrapped = true
    },
    consulted() {
      consulted = true
      if (!wrapped) once('Drizzle was given the cache but not a wrapped driver, so nothing is cached.', WRAP_FIX)
      return wrapped
    },
    readThroughWrapper() {
      if (consulted || runtime.options.strategy !== 'explicit') return
      once(
        "A wrapped driver runs reads, but Drizzle was not given this cache: with strategy 'explicit' no read is cached.",
        "Pass it to drizzle(): drizzle(kv.d1(env.DB), { cache: kv }) (or use strategy: 'all').",
      )
    },
    sessionWithoutDatabase() {
      once(
        'kv.d1() was given a D1 session, not the database: reads right after a write are served, not cached.',
        "Open the session on what kv.d1() returns: kv.d1(env.DB).withSession(bookmark ?? 'first-unconstrained').",
      )
    },
    momentPassed() {
      once(
        'A $withCache({ config }) expiry (`exat` / `pxat`) has passed: that read is not cached.',
        'Give a future moment, or `ex` (seconds) / `px` (milliseconds).',
      )
    },
  }
}
