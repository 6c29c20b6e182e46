import { describe, expect, it } from 'vitest'
import { isKvCacheError, type CodecExtension } from '../../src'
import { decodeValue, encodeValue } from '../../src/codec'

const roundTrip = (value: unknown, extensions: CodecExtension[] = []) => decodeValue(encodeValue(value, extensions), new Map(extensions.map((e) => [e.tag, e])))

describe('codec', () => {
  it('keeps plain JSON untagged so a hit costs one JSON.parse', () => {
    const value = [{ id: 1, name: 'a', tags: ['x'], score: 1.5, ok: true, none: null }]
    const encoded = encodeValue(value)
    expect(encoded.tagged).toBe(false)
    expect(encoded.json).toBe(JSON.stringify(value))
    expect(roundTrip(value)).toStrictEqual(value)
  })

  it('round-trips Date, BigInt, binary, Map, Set and special numbers exactly', () => {
    const bytes = new Uint8Array([0, 1, 2, 255])
    const value = {
      createdAt: new Date('2026-11-24T10:00:00.123Z'),
      invalidDate: new Date(Number.NaN),
      big: 12345678901234567890n,
      negativeBig: -5n,
      bytes,
      buffer: bytes.slice().buffer,
      floats: new Float64Array([1.5, -2]),
      bigints: new BigInt64Array([1n, -1n]),
      map: new Map<unknown, unknown>([
        ['a', 1],
        [2, new Date(0)],
      ]),
      set: new Set([1, 'two', 3n]),
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      negInf: Number.NEGATIVE_INFINITY,
      negZero: -0,
      nested: [[{ deep: [new Date(1)] }]],
    }
    const decoded = roundTrip(value) as typeof value
    expect(decoded).toStrictEqual(value)
    expect(decoded.createdAt).toBeInstanceOf(Date)
    expect(decoded.bytes).toBeInstanceOf(Uint8Array)
    expect(decoded.buffer).toBeInstanceOf(ArrayBuffer)
    expect(Object.is(decoded.negZero, -0)).toBe(true)
    expect(typeof decoded.big).toBe('bigint')
  })

  it('keeps null and undefined apart, in objects and arrays', () => {
    const value = { a: null, b: undefined, list: [null, undefined, 1] }
    const decoded = roundTrip(value) as Record<string, unknown>
    expect(decoded).toStrictEqual(value)
    expect('b' in decoded).toBe(true)
    expect(decoded.b).toBeUndefined()
    expect((decoded.list as unknown[])[1]).toBeUndefined()
    expect(roundTrip(undefined)).toBeUndefined()
    expect(roundTrip(null)).toBeNull()
  })

  it('escapes objects that use the tag key themselves', () => {
    const value = { $kv: 'd', v: 5, other: { $kv: 'u' } }
    expect(roundTrip(value)).toStrictEqual(value)
  })

  it('preserves null-prototype objects', () => {
    const value = Object.assign(Object.create(null), { a: 1 })
    const decoded = roundTrip(value) as object
    expect(Object.getPrototypeOf(decoded)).toBeNull()
    expect({ ...decoded }).toStrictEqual({ a: 1 })
  })

  it('refuses what it cannot round-trip with UNENCODABLE', () => {
    class Money {
      constructor(readonly cents: number) {}
    }
    const circular: Record<string, unknown> = {}
    circular.self = circular
    for (const value of [() => 1, Symbol('s'), new Money(5), circular, new (class extends Array {})(), new WeakMap()]) {
      let caught: unknown
      try {
        encodeValue({ value })
      } catch (error) {
        caught = error
      }
      expect(isKvCacheError(caught, 'UNENCODABLE')).toBe(true)
    }
  })

  it('extensions teach it new classes', () => {
    class Decimal {
      constructor(readonly text: string) {}
    }
    const decimal: CodecExtension<Decimal> = {
      tag: 'Decimal',
      test: (value): value is Decimal => value instanceof Decimal,
      encode: (value) => value.text,
      decode: (text) => new Decimal(text as string),
    }
    const decoded = roundTrip({ price: new Decimal('19.99'), list: [new Decimal('0.1')] }, [decimal]) as {
      price: Decimal
      list: Decimal[]
    }
    expect(decoded.price).toBeInstanceOf(Decimal)
    expect(decoded.price.text).toBe('19.99')
    expect(decoded.list[0]).toBeInstanceOf(Decimal)
  })

  it('throws on malformed input (the cache turns that into a miss)', () => {
    expect(() => decodeValue({ json: '{"$kv":"zz","v":1}', tagged: true })).toThrow()
    expect(() => decodeValue({ json: '{not json', tagged: false })).toThrow()
  })
})

describe('Node Buffers (node-postgres bytea, Prisma Bytes)', () => {
  it('round-trip as Buffers, alone, nested and in rows', () => {
    const buffer = Buffer.from([0, 1, 2, 255])
    for (const value of [
      buffer,
      { file: buffer },
      [
        { id: 1, file: buffer },
        { id: 2, file: null },
      ],
      [[1, buffer]],
    ]) {
      const decoded = decodeValue(encodeValue(value))
      expect(decoded).toStrictEqual(value)
    }
    const row = decodeValue(encodeValue([{ id: 1, file: buffer }])) as { file: unknown }[]
    expect(Buffer.isBuffer(row[0]?.file)).toBe(true)
    // A plain Uint8Array stays one.
    const plain = decodeValue(encodeValue({ bytes: new Uint8Array([1]) })) as { bytes: unknown }
    expect(Object.getPrototypeOf(plain.bytes)).toBe(Uint8Array.prototype)
  })
})
