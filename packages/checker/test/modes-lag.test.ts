import { describe, it } from 'vitest'
import { laggingSource, laggingSourceDeclared, runRow } from '../src'
import { expectCaught, expectWithinBound, SEEDS } from './helpers'

const FIVE_MINUTES = { durationMs: 300_000 }

describe('a source that answers from the past (Hyperdrive query cache, read replica)', () => {
  it('without sourceLagSeconds, results older than a bump are stored under fresh stamps: caught', async () => {
    expectCaught(await runRow(laggingSource, SEEDS, FIVE_MINUTES))
  })

  it('with sourceLagSeconds, the cache is never staler than its source: the KV bound + the lag', async () => {
    expectWithinBound(await runRow(laggingSourceDeclared, SEEDS, FIVE_MINUTES))
  })
})
