import { describe, expect, it } from 'vitest'
import { createCache, isKvCacheError, memoryStorage, type CodecExtension } from '../../src'
import { decodeValue, encodeValue } from '../../src/codec'
import { entryKey } from '../../src/layout'
import { hashMaterial } from '../../src/hash'

const roundTrip = (value: unknown, extensions: CodecExtension[] = []) => {
  const encoded = encodeValue(value, extensions)
  return { encoded, decoded: decodeValue(encoded, new Map(extensions.map((e) => [e.tag, e]))) }
}

class Money {
  constructor(readonly cents: number) {}
}
const money: CodecExtension<Money> = {
  tag: 'money',
  test: (v): v is Money => v instanceof Money,
  encode: (v) => v.cents,
  decode: (v) => new Money(v as number),
}

describe('row plans: rows store as plain JSON, only special columns are revived', () => {
  it.each([
    [
      'objects with Date, BigInt and bytes columns, nulls in between',
      [
        { id: 1, at: new Date(1), n: 10n, blob: new Uint8Array([1, 2]), note: 'a' },
        { id: 2, at: null, n: null, blob: null, note: null },
      ],
    ],
    [
      'arrays as rows (D1 raw())',
      [
        [1, new Date(2), 'x'],
        [2, null, 'y'],
      ],
    ],
    ['a column mixing kinds falls back to tags for that column', [{ v: new Date(3) }, { v: 5n }, { v: 'text' }]],
    ['undefined, invalid dates, -0 and NaN keep their identity', [{ u: undefined, d: new Date(Number.NaN), z: -0, nan: Number.NaN }]],
    ['a $kv key in a plain column is just a key', [{ $kv: 'd', v: 5, at: new Date(4) }]],
    ['rows whose keys differ', [{ a: new Date(5) }, { b: 6n }, {}]],
    ['nested special values inside a column', [{ meta: { seen: [new Date(6)] } }]],
  ])('%s', (_, rows) => {
    const { encoded, decoded } = roundTrip(rows)
    expect(encoded.plan).toBeDefined()
    expect(decoded).toStrictEqual(rows)
  })

  it('extension values (Prisma Decimal and the like) go through the plan too', () => {
    const rows = [
      { price: new Money(199), at: new Date(7) },
      { price: new Money(5), at: new Date(8) },
    ]
    const { encoded, decoded } = roundTrip(rows, [money])
    expect({ ...encoded.plan?.c }).toStrictEqual({ price: 't', at: 'd' })
    expect(decoded).toStrictEqual(rows)
    expect((decoded as { price: Money }[])[0]?.price).toBeInstanceOf(Money)
  })

  it('plain rows with extensions registered stay untagged', () => {
    const { encoded } = roundTrip([{ a: 1 }], [money])
    expect(encoded.tagged).toBe(false)
  })

  it.each([
    ['a date column that is text', { m: 'o', c: { at: 'd' } }, '[{"at":"yesterday"}]'],
    ['a bigint column that is a number', { m: 'o', c: { n: 'b' } }, '[{"n":1.5}]'],
    ['rows that are not an array', { m: 'o', c: { at: 'd' } }, '{"at":1}'],
    ['array rows under an object plan', { m: 'o', c: { 0: 'd' } }, '[[1]]'],
  ])('a stored plan that does not match its rows (%s) is a CORRUPT_ENTRY', (_, plan, json) => {
    let caught: unknown
    try {
      decodeValue({ json, tagged: true, plan: plan as never })
    } catch (error) {
      caught = error
    }
    expect(isKvCacheError(caught, 'CORRUPT_ENTRY')).toBe(true)
  })
})

describe('entries written by the previous format', () => {
  it('format 1 (no plan) is still read, and a malformed plan header is a miss', async () => {
    const storage = memoryStorage()
    const cache = createCache({ storage })
    await cache.set('k', [{ at: new Date(9) }])
    const key = entryKey('kvc', undefined, await hashMaterial(['key', 'k']))
    const stored = (await storage.get(key)) as string
    const header = JSON.parse(stored.slice(0, stored.indexOf('\n'))) as Record<string, unknown>
    const v1 = `${JSON.stringify({ ...header, f: 1, p: undefined })}\n[{"at":{"$kv":"d","v":9}}]`
    await storage.set(key, v1)
    expect(await cache.wrap('k', async () => 'from db')).toStrictEqual([{ at: new Date(9) }])
    await storage.set(key, `${JSON.stringify({ ...header, p: { m: 'x', c: {} } })}\n[]`)
    expect(await cache.wrap('k', async () => 'from db')).toBe('from db')
  })
})
