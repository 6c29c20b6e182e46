import type { Stamp } from '@kvcache/core'
import { isStamp } from '@kvcache/core/storage'
import { assertScopes, isProposableStamp } from '../../coordinator/src/limits'
import { createLoadMeter } from '../../coordinator/src/load-meter'
import type { CoordinatorNamespaceLike, CoordinatorStubLike } from '../../coordinator/src/shard-caller'
import { openStampTable } from '../../coordinator/src/stamp-table'
import type { Random } from './random'
import { simulatedStampSql } from './simulated-sql'
import type { VirtualTime } from './virtual-time'

/** Periods in which an object's bumps fail, one after another: what an overloaded or restarting object does. */
export interface CoordinatorOutages {
  /** How long one outage lasts, in milliseconds (uniform). */
  readonly durationMs: readonly [number, number]
  /** Quiet time between two outages of one object, in milliseconds: at least `minGapMs`, plus an exponential with mean `meanGapMs`. */
  readonly minGapMs: number
  readonly meanGapMs: number
}

/** Options for `simulatedCoordinator`. */
export interface SimulatedCoordinatorOptions {
  readonly time: VirtualTime
  readonly random: Random
  /** One-way network delay between an isolate and an object, in milliseconds (uniform, each way). */
  readonly latencyMs: readonly [number, number]
  /** Fault injection: every bump an object receives during an outage fails. @default none */
  readonly outages?: CoordinatorOutages
}

export type SimulatedCoordinatorStats = {
  reads: number
  bumps: number
  /** Bumps refused during an outage: they never reached the stamp table. */
  refusedBumps: number
  /** Bumps applied during an outage whose answer was lost: the client sees a failure, the object holds the stamp. */
  lostAnswers: number
}

/** A simulated `KVCACHE_COORDINATOR` namespace: the binding, and what its objects served. */
export interface SimulatedCoordinator {
  readonly namespace: CoordinatorNamespaceLike
  readonly stats: SimulatedCoordinatorStats
}

/**
 * One coordinator object, doing what `KvCacheCoordinator` (packages/coordinator/src/coordinator.ts,
 * which needs `cloudflare:workers`) does, with the same parts: the real stamp table over a
 * simulated SQLite, the real scope checks and load meter, the simulated clock. Every method is
 * synchronous, as the real object's are.
 */
function simulatedObject(now: () => number) {
  const { sql, transaction } = simulatedStampSql()
  const table = openStampTable(sql, transaction, now)
  const meter = createLoadMeter(now)
  const check = (scopes: unknown): readonly string[] => {
    try {
      assertScopes('coordinator', scopes)
      return scopes
    } catch (error) {
      meter.reject()
      throw error
    }
  }
  return {
    read(scopes: unknown): Stamp[] {
      const checked = check(scopes)
      meter.read(checked.length)
      return table.read(checked)
    },
    bump(scopes: unknown, proposal: unknown): Stamp {
      const checked = check(scopes)
      if (checked.length === 0 || (proposal !== undefined && !isStamp(proposal))) {
        meter.reject()
        throw new Error('[checker] simulated coordinator: rejected bump (no scopes, or a proposal that is not a stamp)')
      }
      meter.bump(checked.length)
      return table.bump(checked, isProposableStamp(proposal, now()) ? proposal : undefined)
    },
    load: () => meter.snapshot(),
  }
}

/**
 * A simulation of the coordinator's Durable Object namespace (a fake, for the checker only: the
 * coordinator's own tests run the real class in workerd). An object is created when its first call
 * arrives. A call travels to the object (a seeded network delay), runs there to completion with
 * nothing interleaved, as a Durable Object's synchronous method does, and its answer travels back:
 * that atomicity is what makes the real object linearizable. With `outages`, an object's bumps fail
 * for a while: half are refused, half are applied and lose their answer.
 */
export function simulatedCoordinator(options: SimulatedCoordinatorOptions): SimulatedCoordinator {
  const { time, random, latencyMs, outages } = options
  const objects = new Map<string, ReturnType<typeof simulatedObject>>()
  const schedules = new Map<string, { startMs: number; endMs: number }>()
  const stats: SimulatedCoordinatorStats = { reads: 0, bumps: 0, refusedBumps: 0, lostAnswers: 0 }
  const delay = () => random.between(latencyMs[0], latencyMs[1])

  const quietFor = (spec: CoordinatorOutages) => spec.minGapMs + random.exponential(spec.meanGapMs)
  /** Whether `name`'s bumps fail now; outages are drawn lazily, in time order, so a seed gives one schedule. */
  const inOutage = (name: string): boolean => {
    if (!outages) return false
    let next = schedules.get(name)
    if (!next) next = { startMs: time.now() + quietFor(outages), endMs: 0 }
    while (next.endMs <= time.now()) {
      if (next.endMs > 0) next = { startMs: next.endMs + quietFor(outages), endMs: 0 }
      next = { ...next, endMs: next.startMs + random.between(outages.durationMs[0], outages.durationMs[1]) }
    }
    schedules.set(name, next)
    return next.startMs <= time.now()
  }

  /** One RPC: out, run atomically at the object, back. A throw travels back as the answer does. */
  const call = async (name: string, operation: keyof CoordinatorStubLike, run: (object: ReturnType<typeof simulatedObject>) => unknown): Promise<unknown> => {
    await time.sleep(delay())
    const object = objects.get(name) ?? simulatedObject(time.now)
    objects.set(name, object)
    let outcome: { ok: true; value: unknown } | { ok: false; error: unknown }
    const failing = operation === 'bump' && inOutage(name)
    if (failing && random.chance(0.5)) {
      stats.refusedBumps++
      outcome = { ok: false, error: new Error(`Durable Object ${name} is overloaded (simulated outage)`) }
    } else {
      try {
        outcome = { ok: true, value: structuredClone(run(object)) }
      } catch (error) {
        outcome = { ok: false, error }
      }
      if (failing && outcome.ok) {
        stats.lostAnswers++
        outcome = { ok: false, error: new Error(`Network connection lost (simulated outage of ${name})`) }
      }
    }
    await time.sleep(delay())
    if (!outcome.ok) throw outcome.error
    return outcome.value
  }

  const stubOf = (name: string): CoordinatorStubLike => ({
    read: (scopes) => (stats.reads++, call(name, 'read', (object) => object.read(scopes))),
    bump: (scopes, proposal) => (stats.bumps++, call(name, 'bump', (object) => object.bump(scopes, proposal))),
    load: () => call(name, 'load', (object) => object.load()),
  })

  const namespace: CoordinatorNamespaceLike = {
    idFromName: (name) => ({ name }),
    get: (id: never) => stubOf((id as { name: string }).name),
  }
  return { namespace, stats }
}
