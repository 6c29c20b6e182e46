import { describe, expect, it } from 'vitest'
import { CHAOS_MODES, CHAOS_SETTINGS, rowOf, runScenario, START_MS, type Operation, type RunResult } from '../src'
import { expectWithinBound } from './helpers'

/** The sides of bench/chaos, by name. */
const side = (name: string) => {
  const found = CHAOS_MODES.find((scenario) => scenario.name === name)
  if (!found) throw new Error(`no side ${name}`)
  return found
}

/** Each side over seed 1, run once for the whole file (a run owns the process's timers, so one after the other). */
const runs = new Map<string, RunResult>()
const runOf = async (name: string): Promise<RunResult> => {
  const done = runs.get(name) ?? (await runScenario(side(name), 1, CHAOS_SETTINGS))
  runs.set(name, done)
  return done
}

const metricsOf = (run: RunResult) => {
  if (!run.metrics) throw new Error(`${run.scenario.name}: no metrics`)
  return run.metrics
}

/** What each client asked, in order, before the database went down: (kind, key, where). */
const requestsBeforeOutage = (run: RunResult): Map<number, string[]> => {
  const outageMs = START_MS + (CHAOS_SETTINGS.sourceOutages?.[0]?.afterMs ?? 0)
  const byClient = new Map<number, string[]>()
  for (const op of [...run.history.operations].sort((a: Operation, b: Operation) => a.invokedMs - b.invokedMs)) {
    if (op.invokedMs >= outageMs) continue
    byClient.set(op.client, [...(byClient.get(op.client) ?? []), `${op.kind} ${op.key} ${op.where ?? ''}`])
  }
  return byClient
}

describe('bench/chaos: one mixed workload under faults, with and without admission and caps', () => {
  it('plain: within the fault bound while KV fails, slows and 429s and the database is down for a minute', async () => {
    const run = await runOf('plain')
    expectWithinBound(rowOf(run.scenario, [run]))
    const { totals, kv } = metricsOf(run)
    // Every injected fault happened, and the cache absorbed the KV ones.
    expect(run.kv.failed).toBeGreaterThan(0)
    expect(run.kv.slow).toBeGreaterThan(0)
    expect(run.kv.rateLimited).toBeGreaterThan(0)
    expect(totals.errors).toBeGreaterThan(0)
    // The outage: reads with an aged-out entry were answered from it, the others failed as the database did.
    expect(run.sourceCalls.failed).toBeGreaterThan(0)
    expect(run.outcome.sourceFailures).toBeGreaterThan(0)
    expect(totals.staleIfError).toBeGreaterThan(0)
    // Hits, and the metrics count the KV calls the simulated KV saw (failed and timed-out calls aside).
    expect(totals.hits).toBeGreaterThan(run.report.reads / 3)
    expect(kv.readKeys / run.kv.reads).toBeCloseTo(1, 1)
    expect(kv.writes / run.kv.writes).toBeCloseTo(1, 1)
  })

  it('admission: stores fewer results (one-off queries cost no write), within the same bound', async () => {
    const [plain, admission] = [await runOf('plain'), await runOf('admission')]
    expectWithinBound(rowOf(admission.scenario, [admission]))
    const admitted = metricsOf(admission)
    expect(admitted.totals.skipReasons['not-admitted']).toBeGreaterThan(0)
    expect(admitted.kv.writes).toBeLessThan(metricsOf(plain).kv.writes / 2)
    expect(admitted.kv.usd.bulkReadPerKey).toBeLessThan(metricsOf(plain).kv.usd.bulkReadPerKey)
    expect(metricsOf(plain).totals.skipReasons['not-admitted']).toBeUndefined()
  })

  it('write cap, USD cap, both: refuse fills naming the budget, spend less, and keep the bound', async () => {
    const plain = metricsOf(await runOf('plain'))
    for (const name of ['write cap', 'USD cap', 'admission + caps']) {
      const run = await runOf(name)
      expectWithinBound(rowOf(run.scenario, [run]))
      expect(metricsOf(run).totals.skipReasons.budget, name).toBeGreaterThan(0)
      expect(metricsOf(run).kv.writes, name).toBeLessThan(plain.kv.writes)
    }
  })

  it('every side replays the same requests: a seed fixes what each client asks, whatever the cache does', async () => {
    const plain = requestsBeforeOutage(await runOf('plain'))
    for (const scenario of CHAOS_MODES) {
      const other = requestsBeforeOutage(await runOf(scenario.name))
      expect([...other.keys()].sort()).toStrictEqual([...plain.keys()].sort())
      for (const [client, requests] of plain) {
        // Latencies differ, so one side may fit a few more requests before the outage.
        const mine = other.get(client) ?? []
        const common = Math.min(mine.length, requests.length)
        expect(common, `${scenario.name}, client ${client}`).toBeGreaterThan(requests.length * 0.95)
        expect(mine.slice(0, common), `${scenario.name}, client ${client}`).toStrictEqual(requests.slice(0, common))
      }
    }
  })
})
