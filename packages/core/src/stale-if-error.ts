import type { Verdict } from './judge'
import type { TtlPlan } from './ttl'

/** An entry that aged out but may still answer if the database fails (`staleIfErrorSeconds`). */
export type Fallback = NonNullable<Extract<Verdict, { kind: 'miss' }>['aged']>

/**
 * The entry a failed database read may fall back on: one that only aged out (the judge hands
 * over no entry a write invalidated, nor one older than the reader's bookmark), within the
 * reader's window after its freshness and swr ended.
 */
export function fallbackOf(plan: TtlPlan, verdict: Extract<Verdict, { kind: 'miss' }>): Fallback | undefined {
  const { aged } = verdict
  if (!aged || plan.staleIfErrorSeconds <= 0) return undefined
  const { entry, ageMs } = aged
  return ageMs <= (entry.ttlSeconds + entry.swrSeconds + plan.staleIfErrorSeconds) * 1000 ? aged : undefined
}
