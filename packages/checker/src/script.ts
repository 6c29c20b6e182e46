import type { RunResult } from './run'
import { runWorld } from './run'
import type { WorkloadOutcome } from './workload'
import type { Client, WorkerRequest, Scenario, World, WorldSettings } from './world'

/** Who sends a scripted request, and where it runs. */
export interface Where {
  readonly client: number
  readonly location: number
  readonly isolate: number
}

/** What a script can do: recorded reads and writes at chosen isolates, and waiting on simulated time. */
export interface ScriptActions {
  readonly world: World
  /** Reads query `query` of `key` (recorded); resolves with the value. */
  read(where: Where, key: string, query?: number): Promise<string>
  /** Writes `value` to `key` (recorded). */
  write(where: Where, key: string, value: string): Promise<void>
  sleep(ms: number): Promise<void>
}

/**
 * Runs a hand-written interleaving instead of random clients: the same world, recorder and
 * checker, so a race found by a seed can be replayed step by step and kept as a test. Clients keep
 * their bookmark across requests as random ones do. The script must finish within
 * `overrides.durationMs` (background work gets the usual drain after it).
 */
export function runScript(
  scenario: Scenario,
  seed: number,
  script: (actions: ScriptActions) => Promise<void>,
  overrides: Partial<WorldSettings> = {},
): Promise<RunResult> {
  return runWorld(scenario, seed, overrides, async (world, system, recorder) => {
    const outcome: WorkloadOutcome = { errors: [], backgroundFailures: 0, sourceFailures: 0 }
    const clients = new Map<number, Client>()
    const requestAt = (where: Where): WorkerRequest => {
      const client = clients.get(where.client) ?? { id: where.client, home: where.location, bookmark: undefined }
      clients.set(where.client, client)
      const waitUntil = (promise: Promise<unknown>) => void promise.catch(() => outcome.backgroundFailures++)
      return { client, location: where.location, isolate: where.isolate, waitUntil }
    }
    const label = (where: Where) => `l${where.location}/i${where.isolate}`
    await script({
      world,
      async read(where, key, query = 0) {
        const op = recorder.begin({ client: where.client, kind: 'read', key, where: label(where) })
        const value = await system.read(requestAt(where), key, query)
        op.end(value)
        return value
      },
      async write(where, key, value) {
        const op = recorder.begin({ client: where.client, kind: 'write', key, value, where: label(where) })
        await system.write(requestAt(where), key, value)
        op.end()
      },
      sleep: (ms) => world.time.sleep(ms),
    })
    return outcome
  })
}
