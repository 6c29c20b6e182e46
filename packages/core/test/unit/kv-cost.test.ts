import { describe, expect, it } from 'vitest'
import { estimateKvCost, KV_USD_PER_MILLION } from '../../src/kv-cost'

describe('estimateKvCost', () => {
  it.each([
    { name: 'nothing', rows: [], oneRead: 0, perKey: 0 },
    { name: 'a million single-key reads', rows: [{ kind: 'read', calls: 1e6, keys: 1e6 }], oneRead: 0.5, perKey: 0.5 },
    { name: 'a million bulk reads of 3 keys (entry + 2 stamps)', rows: [{ kind: 'read', calls: 1e6, keys: 3e6 }], oneRead: 0.5, perKey: 1.5 },
    {
      name: 'a million writes and a million deletes',
      rows: [
        { kind: 'write', calls: 1e6, keys: 1e6 },
        { kind: 'delete', calls: 1e6, keys: 1e6 },
      ],
      oneRead: 10,
      perKey: 10,
    },
  ] as const)('$name', ({ rows, oneRead, perKey }) => {
    const cost = estimateKvCost(rows)
    expect(cost.usd.bulkReadAsOneRead).toBeCloseTo(oneRead, 9)
    expect(cost.usd.bulkReadPerKey).toBeCloseTo(perKey, 9)
  })

  it('uses the list prices: reads $0.50, writes, deletes and lists $5.00 per million', () => {
    expect(KV_USD_PER_MILLION).toStrictEqual({ read: 0.5, write: 5, delete: 5, list: 5 })
  })
})
