import { describe, expect, it } from 'vitest'
import { checkHistory, coordinatorRetryWindowMs, durableObject, durableObjectFailingBumps, rowOf, runRow, runScript } from '../src'
import { expectWithinBound, SEEDS } from './helpers'

/** Five simulated minutes: dozens of write bursts per seed, about a second of real time per seed. */
const FIVE_MINUTES = { durationMs: 300_000 }

describe('the Durable Object coordinator over simulated objects (the real client and stamp table)', () => {
  it('strong: a read that starts after a write returned sees it, from any isolate anywhere (bound 0)', async () => {
    const row = await runRow(durableObject, SEEDS, FIVE_MINUTES)
    expectWithinBound(row)
    // Most reads were answered from the cache (KV entries judged by the objects' stamps), not the database.
    for (const run of row.runs) expect(run.sourceCalls.reads).toBeLessThan(run.report.reads / 3)
  })

  it('failing bumps: others see a write once the retry lands (the retry window), the writer isolate at once', async () => {
    const row = await runRow(durableObjectFailingBumps, SEEDS, FIVE_MINUTES)
    expectWithinBound(row)
    expect(row.boundMs).toBe(coordinatorRetryWindowMs())
    for (const run of row.runs) {
      expect(run.counters.refusedBumps).toBeGreaterThan(0)
      expect(run.counters.lostAnswers).toBeGreaterThan(0)
    }
    // The faults were felt: held to bound 0, the same histories have stale reads.
    const strict = row.runs.flatMap((run) => checkHistory(run.history, { staleMs: 0 }).violations)
    expect(strict.length).toBeGreaterThan(0)
  })
})

const A = { client: 0, location: 0, isolate: 0 }
const A2 = { client: 1, location: 0, isolate: 0 }
const B = { client: 2, location: 1, isolate: 0 }
/** The object's first outage starts a second after the first bump reaches it and lasts 2.5 s. */
const ONE_OUTAGE = { durationMs: 20_000, coordinatorOutages: { durationMs: [2500, 2500] as const, minGapMs: 1000, meanGapMs: 0 } }

it('a refused bump: another client of the writer isolate reads the write at once, another isolate after the retry', async () => {
  const seen: string[] = []
  const result = await runScript(
    durableObjectFailingBumps,
    1,
    async ({ read, write, sleep }) => {
      await write(A, 'k0', 'k0=v1') // lands
      // Both isolates cache v1 under its stamp (different queries: two entries, no KV write contention).
      expect([await read(A2, 'k0', 0), await read(B, 'k0', 1)]).toStrictEqual(['k0=v1', 'k0=v1'])
      await sleep(1400)
      await write(A, 'k0', 'k0=v2') // in the outage: refused, retried in the background
      await sleep(1) // the checker orders by millisecond: these reads start strictly after the write returned
      seen.push(await read(A2, 'k0', 0), await read(B, 'k0', 1))
      await sleep(coordinatorRetryWindowMs())
      seen.push(await read(B, 'k0', 1))
    },
    ONE_OUTAGE,
  )
  // A2's entry of v1 was valid by the object's stamp: only A's pending bump made it a miss.
  expect(seen).toStrictEqual(['k0=v2', 'k0=v1', 'k0=v2'])
  expect(result.counters.refusedBumps).toBeGreaterThan(0)
  expectWithinBound(rowOf(durableObjectFailingBumps, [result]))
  expect(checkHistory(result.history, { staleMs: 0 }).violations.map((violation) => violation.read.client)).toStrictEqual([B.client])
})
