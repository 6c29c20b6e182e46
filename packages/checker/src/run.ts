import type { MetricsSnapshot } from '@kvcache/core'
import { checkHistory, type Bound, type CheckReport } from './check'
import { createRecorder, type History, type Recorder } from './history'
import { seededRandom } from './random'
import { simulatedKv, type SimulatedKvStats } from './simulated-kv'
import { simulatedSource } from './source'
import { createVirtualTime, withSimulatedGlobals } from './virtual-time'
import { keyNames, runClients, type WorkloadOutcome } from './workload'
import { DEFAULT_SETTINGS, type Scenario, type System, type World, type WorldSettings } from './world'

/** Simulated time starts here (epoch milliseconds): stamps carry plausible dates. */
export const START_MS = Date.UTC(2026, 0, 1)
/** Simulated time background work (stamp retries, propagation, fills) gets after the driver's duration. */
const DRAIN_MS = 120_000

/** One scenario run with one seed: its history, the checker's report on it, and the platform's counters. */
export interface RunResult {
  readonly scenario: Scenario
  readonly seed: number
  readonly settings: WorldSettings
  readonly bound: Bound
  readonly history: History
  readonly report: CheckReport
  readonly outcome: WorkloadOutcome
  readonly kv: SimulatedKvStats
  /** Database calls, those refused during an outage included (and counted again in `failed`). */
  readonly sourceCalls: { readonly reads: number; readonly writes: number; readonly failed: number }
  /** The system's own counters (`System.counters`), at the end of the run; empty when it has none. */
  readonly counters: Readonly<Record<string, number>>
  /** What the system's caches reported to `System.metrics`, at the end of the run (background work drained). */
  readonly metrics: MetricsSnapshot | undefined
  /** No violation and no failed call. */
  readonly withinBound: boolean
}

/**
 * Builds a world from `seed` (simulated KV, source, clients), runs `scenario` in it on simulated
 * time, and checks the history against the scenario's bound. Deterministic: the same scenario,
 * seed and settings give the same history.
 */
export function runScenario(scenario: Scenario, seed: number, overrides: Partial<WorldSettings> = {}): Promise<RunResult> {
  return runWorld(scenario, seed, overrides, runClients)
}

/** What drives a world: random clients (`runClients`) or a script. Resolves when it has stopped. */
export type Driver = (world: World, system: System, recorder: Recorder) => Promise<WorkloadOutcome>

/** Builds the world of `seed`, lets `drive` run `scenario` in it on simulated time, and checks the history. */
export async function runWorld(scenario: Scenario, seed: number, overrides: Partial<WorldSettings>, drive: Driver): Promise<RunResult> {
  const settings: WorldSettings = { ...DEFAULT_SETTINGS, ...overrides, ...scenario.topology }
  const time = createVirtualTime(START_MS)
  const random = seededRandom(seed)
  const initial = new Map(keyNames(settings.keys).map((key) => [key, `${key}=initial`]))
  return withSimulatedGlobals(time, random.fork('globals').next, async () => {
    const kv = simulatedKv({
      time,
      random: random.fork('kv'),
      locations: settings.locations,
      propagation: settings.propagation,
      latencyMs: settings.kvLatencyMs,
      tail: settings.kvTail,
      failRatio: settings.kvFailRatio,
    })
    const lagMs = scenario.sourceLagMs?.(settings) ?? 0
    const source = simulatedSource({
      time,
      random: random.fork('source'),
      initial,
      lagMs,
      latencyMs: settings.sourceLatencyMs,
      writeLatencyMs: settings.sourceWriteLatencyMs,
      outages: settings.sourceOutages.map((outage) => ({ fromMs: START_MS + outage.afterMs, toMs: START_MS + outage.afterMs + outage.durationMs })),
    })
    const world: World = { settings, time, random: random.fork('world'), kv, source }
    const system = scenario.build(world)
    const recorder = createRecorder(time.now, initial)
    let outcome: WorkloadOutcome | undefined
    let failure: unknown
    void drive(world, system, recorder).then(
      (done) => (outcome = done),
      (error: unknown) => (failure = error),
    )
    await time.runUntil(START_MS + settings.durationMs + DRAIN_MS)
    if (failure !== undefined) throw failure
    if (!outcome) throw new Error(`[checker] ${scenario.name}, seed ${seed}: clients still waiting ${DRAIN_MS} ms after the run ended (a hung call).`)
    const history = recorder.history()
    const bound = scenario.bound(settings)
    const report = checkHistory(history, bound)
    const withinBound = report.violations.length === 0 && outcome.errors.length === 0
    return {
      scenario,
      seed,
      settings,
      bound,
      history,
      report,
      outcome,
      kv: kv.stats,
      sourceCalls: { ...source.calls },
      counters: { ...system.counters },
      metrics: system.metrics?.snapshot(),
      withinBound,
    }
  })
}
