import { describe, it } from 'vitest'
import { kvBookmark, kvStamps, runRow } from '../src'
import { expectWithinBound, SEEDS } from './helpers'

/** Five simulated minutes: dozens of write bursts per seed, a few seconds of real time per mode. */
const FIVE_MINUTES = { durationMs: 300_000 }

describe('stamps in the simulated KV stay within their declared bound', () => {
  it('KV stamps: fresh everywhere within the stamp write allowance + propagation + cacheTtl', async () => {
    expectWithinBound(await runRow(kvStamps, SEEDS, FIVE_MINUTES))
  })

  it('KV stamps + session bookmark: the same, and each client sees its own writes and never goes back', async () => {
    expectWithinBound(await runRow(kvBookmark, SEEDS, FIVE_MINUTES))
  })
})
