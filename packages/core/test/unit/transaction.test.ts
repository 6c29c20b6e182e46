import { describe, expect, it } from 'vitest'
import { SAVEPOINT_HISTORIES } from '../../src/savepoint-histories'
import { transactionBuffer, type TransactionStep } from '../../src/transaction'

/** A buffer publishing into a list, and a helper that applies steps and publishes writes in order. */
function setup() {
  const published: string[][] = []
  const buffer = transactionBuffer({ invalidate: async (target) => void published.push([...(target.scopes ?? [])].sort()) })
  const run = async (...steps: (TransactionStep | string)[]) => {
    for (const step of steps) {
      if (typeof step === 'string') await buffer.publish([step])
      else await buffer.apply(step)
    }
  }
  return { buffer, published, run }
}

const begin = { kind: 'begin' } as const
const commit = { kind: 'commit' } as const
const rollback = { kind: 'rollback' } as const
const savepoint = (name?: string) => ({ kind: 'savepoint', ...(name === undefined ? {} : { name }) }) as const
const rollbackTo = (name?: string) => ({ kind: 'rollback-to', ...(name === undefined ? {} : { name }) }) as const
const release = (name?: string) => ({ kind: 'release', ...(name === undefined ? {} : { name }) }) as const

describe('transaction buffer', () => {
  it('publishes at once outside a transaction', async () => {
    const { published, run } = setup()
    await run('a')
    expect(published).toStrictEqual([['a']])
  })

  it('holds writes until commit, publishing them in one bump; drops them on rollback', async () => {
    const { published, run, buffer } = setup()
    await run(begin, 'a', 'b', 'a')
    expect(published).toStrictEqual([])
    expect(buffer.inTransaction).toBe(true)
    await run(commit)
    expect(published).toStrictEqual([['a', 'b']])
    await run(begin, 'c', rollback)
    expect(published).toHaveLength(1)
    expect(buffer.inTransaction).toBe(false)
  })

  // One table of savepoint histories, run by every binding's own tests too (@kvcache/core/testing).
  for (const { name, steps, expected } of SAVEPOINT_HISTORIES) {
    it(name, async () => {
      const { published, run, buffer } = setup()
      await run(...steps)
      expect(published.flat().sort()).toStrictEqual(expected)
      expect(buffer.inTransaction).toBe(false)
    })
  }

  it('a savepoint removed by releasing an earlier one is unknown afterwards (the buffer ignores it; databases refuse it)', async () => {
    const { published, run } = setup()
    await run(begin, savepoint('s'), 'a', savepoint('t'), 'b', release('s'), rollbackTo('t'), commit)
    expect(published.flat().sort()).toStrictEqual(['a', 'b'])
  })

  it('a COMMIT that fails is still published (it may have committed); a failed ROLLBACK drops', async () => {
    const { published, buffer } = setup()
    await buffer.run(begin, async () => undefined)
    await buffer.publish(['a'])
    await expect(buffer.run(commit, async () => Promise.reject(new Error('connection lost')))).rejects.toThrow('connection lost')
    expect(published).toStrictEqual([['a']])
    await buffer.run(begin, async () => undefined)
    await buffer.publish(['b'])
    await expect(buffer.run(rollback, async () => Promise.reject(new Error('gone')))).rejects.toThrow('gone')
    expect(buffer.inTransaction).toBe(false)
    expect(published).toHaveLength(1)
  })

  it('a BEGIN that fails starts nothing; results pass through untouched', async () => {
    const { buffer } = setup()
    await expect(buffer.run(begin, async () => Promise.reject(new Error('no')))).rejects.toThrow('no')
    expect(buffer.inTransaction).toBe(false)
    const result = { rows: [{ command: 'ROLLBACK' }] }
    await expect(buffer.run(commit, async () => result)).resolves.toBe(result)
  })
})
