import { describe, expect, it } from 'vitest'
import { memoryProcess, runRow, twoTierTrust } from '../src'
import { expectWithinBound, SEEDS } from './helpers'

const FIVE_MINUTES = { durationMs: 300_000 }

describe('other stores stay within their declared bound', () => {
  it('memory stamps in one process: every read current (bound 0)', async () => {
    const row = await runRow(memoryProcess, SEEDS, FIVE_MINUTES)
    expect(row.boundMs).toBe(0)
    expectWithinBound(row)
  })

  it('two-tier (per-location L1 over KV) with a trust window: the KV bound + the trust window', async () => {
    expectWithinBound(await runRow(twoTierTrust, SEEDS, FIVE_MINUTES))
  })
})
