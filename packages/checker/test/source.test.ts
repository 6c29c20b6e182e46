import { expect, it } from 'vitest'
import { createVirtualTime, isSourceUnavailable, seededRandom, simulatedSource, SourceUnavailableError, START_MS } from '../src'

it('refuses every read and write during an outage, commits nothing then, and answers again after it', async () => {
  const time = createVirtualTime(START_MS)
  const source = simulatedSource({
    time,
    random: seededRandom(1),
    initial: new Map([['k0', 'k0=initial']]),
    latencyMs: [10, 10],
    outages: [{ fromMs: START_MS + 1000, toMs: START_MS + 2000 }],
  })
  /** Settles `work` on simulated time: its value, or the error it failed with. */
  const run = async (work: Promise<unknown>) => {
    let result: { value?: unknown; error?: unknown } | undefined
    work.then(
      (value) => (result = { value }),
      (error: unknown) => (result = { error }),
    )
    await time.runUntil(time.now() + 100)
    return result
  }

  await run(source.write('k0', 'k0=before'))
  await time.runUntil(START_MS + 1500)
  const read = await run(source.read('k0'))
  const write = await run(source.write('k0', 'k0=during'))
  expect(read?.error).toBeInstanceOf(SourceUnavailableError)
  expect(isSourceUnavailable(write?.error)).toBe(true)
  expect(isSourceUnavailable(new Error('other'))).toBe(false)

  await time.runUntil(START_MS + 2000)
  // The refused write never committed: the value is the one from before the outage.
  expect(await run(source.read('k0'))).toStrictEqual({ value: 'k0=before' })
  expect(source.calls).toStrictEqual({ reads: 2, writes: 2, failed: 2 })
})
