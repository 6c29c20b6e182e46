import { describe, expect, it } from 'vitest'
import { createCache, isKvCacheError, memoryStorage } from '../../src'
import { decodeValue, encodeValue } from '../../src/codec'
import { entryKey } from '../../src/layout'
import { hashMaterial } from '../../src/hash'
import { eventLog } from '../helpers'

/** Keys that a naive decoder assigns through setters or finds on the prototype chain. */
const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype', '$kv', 'toString', 'hasOwnProperty', 'valueOf', 'v']

/** Small deterministic PRNG so a failure names the seed that reproduces it. */
function prng(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true })
}

function randomValue(random: () => number, depth: number): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 6 : 10))
  switch (pick) {
    case 0:
      return Math.floor(random() * 1000)
    case 1:
      return `s${Math.floor(random() * 100)}`
    case 2:
      return new Date(Math.floor(random() * 2e12))
    case 3:
      return BigInt(Math.floor(random() * 1e9)) * 10_000_000_000n
    case 4:
      return random() < 0.5 ? null : undefined
    case 5:
      return random() < 0.5
    case 6:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1))
    case 7:
      return new Map([[DANGEROUS_KEYS[Math.floor(random() * DANGEROUS_KEYS.length)], randomValue(random, depth + 1)]])
    default: {
      const object = (random() < 0.3 ? Object.create(null) : {}) as Record<string, unknown>
      const count = 1 + Math.floor(random() * 4)
      for (let i = 0; i < count; i++) {
        const key = random() < 0.6 ? (DANGEROUS_KEYS[Math.floor(random() * DANGEROUS_KEYS.length)] as string) : `k${i}`
        setOwn(object, key, randomValue(random, depth + 1))
      }
      return object
    }
  }
}

/** Structural equality that sees own `__proto__` keys and prototypes (no reliance on the matcher's rules). */
function assertSame(actual: unknown, expected: unknown, path = '$'): void {
  if (expected === null || typeof expected !== 'object') {
    expect(Object.is(actual, expected), `${path}: ${String(actual)} vs ${String(expected)}`).toBe(true)
    return
  }
  expect(typeof actual, path).toBe('object')
  const a = actual as object
  expect(Object.getPrototypeOf(a), `${path} prototype`).toBe(Object.getPrototypeOf(expected))
  if (expected instanceof Date) return expect((a as Date).getTime(), path).toBe(expected.getTime())
  if (expected instanceof Map) {
    const entries = [...(a as Map<unknown, unknown>)]
    expect(entries.length, path).toBe(expected.size)
    return [...expected].forEach(([k, v], i) => {
      assertSame(entries[i]?.[0], k, `${path}.key${i}`)
      assertSame(entries[i]?.[1], v, `${path}.value${i}`)
    })
  }
  expect(Reflect.ownKeys(a), `${path} keys`).toStrictEqual(Reflect.ownKeys(expected))
  for (const key of Reflect.ownKeys(expected)) {
    assertSame(Object.getOwnPropertyDescriptor(a, key)?.value, Object.getOwnPropertyDescriptor(expected, key)?.value, `${path}.${String(key)}`)
  }
}

describe('values with dangerous own keys round-trip exactly', () => {
  it('for random shapes mixing __proto__ / constructor / prototype keys, tagged values and null prototypes', () => {
    const prototypeNames = Object.getOwnPropertyNames(Object.prototype)
    for (let seed = 1; seed <= 500; seed++) {
      const value = randomValue(prng(seed), 0)
      const decoded = decodeValue(encodeValue(value), new Map())
      try {
        assertSame(decoded, value)
      } catch (error) {
        throw new Error(`seed ${seed}: ${(error as Error).message}`)
      }
    }
    expect(Object.getOwnPropertyNames(Object.prototype)).toStrictEqual(prototypeNames)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('a row with an own __proto__ key next to a Date is the same on a hit as on the miss', async () => {
    const cache = createCache({ storage: memoryStorage() })
    const row = { id: 1, at: new Date(5) } as Record<string, unknown>
    setOwn(row, '__proto__', { admin: true })
    setOwn(row, 'constructor', 'c')
    const miss = await cache.wrap('row', async () => [row])
    const hit = await cache.wrap('row', async () => [])
    assertSame(hit, [row])
    assertSame(hit, miss)
    expect(Object.getPrototypeOf((hit as object[])[0])).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).admin).toBeUndefined()
  })
})

/** Rows as an ORM returns them, but with column names a row inherits, columns some rows lack, and every kind. */
function randomRows(random: () => number): Record<string, unknown>[] {
  const names = ['id', 'at', 'n', ...DANGEROUS_KEYS]
  const columns = names.filter(() => random() < 0.5)
  const cell = (kind: number): unknown => {
    if (random() < 0.2) return null
    if (kind === 0) return new Date(Math.floor(random() * 2e12))
    if (kind === 1) return BigInt(Math.floor(random() * 1e9)) * 10_000_000_000n
    if (kind === 2) return new Uint8Array([Math.floor(random() * 256)])
    return randomValue(random, 2)
  }
  const kinds = columns.map(() => Math.floor(random() * 5))
  return Array.from({ length: 1 + Math.floor(random() * 6) }, () => {
    const row: Record<string, unknown> = {}
    // A column is absent from some rows: the decoder must not find the prototype's value instead.
    columns.forEach((column, i) => random() < 0.8 && setOwn(row, column, cell(kinds[i] as number)))
    return row
  })
}

describe('rows round-trip exactly through their plan', () => {
  it('for random rows whose columns are inherited names, absent from some rows, or of any kind', () => {
    let planned = 0
    for (let seed = 1; seed <= 500; seed++) {
      const rows = randomRows(prng(seed))
      const encoded = encodeValue(rows)
      if (encoded.plan) planned++
      try {
        assertSame(decodeValue(encoded, new Map()), rows)
      } catch (error) {
        throw new Error(`seed ${seed}: ${(error as Error).message}`)
      }
    }
    // Most random rows carry a special column, so the planned path is what this exercised.
    expect(planned).toBeGreaterThan(400)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('bytes found in storage are untrusted', () => {
  const payloads = [
    '{"$kv":"ta","v":["constructor","AAAA"]}',
    '{"$kv":"ta","v":["__proto__","AAAA"]}',
    '{"$kv":"ta","v":5}',
    '{"$kv":"m","v":5}',
    '{"$kv":"m","v":[5]}',
    '{"$kv":"s","v":"x"}',
    '{"$kv":"b","v":"1.5"}',
    '{"$kv":"b","v":{}}',
    '{"$kv":"d","v":"yesterday"}',
    '{"$kv":"u8","v":"%%%"}',
    '{"$kv":"np","v":null}',
    '{"$kv":"o","v":[1]}',
    '{"$kv":"x:missing","v":1}',
    '{"$kv":"nope","v":1}',
    `${'['.repeat(200_000)}${']'.repeat(200_000)}`,
    '{"a":',
    '',
  ]

  it('a corrupt payload is a miss answered by the database, reported as a decode error, never an exception', async () => {
    const storage = memoryStorage()
    const log = eventLog()
    const cache = createCache({ storage, onEvent: log.onEvent })
    const key = entryKey('kvc', undefined, await hashMaterial(['key', 'k']))
    for (const payload of payloads) {
      await cache.set('k', { at: new Date(1) })
      const stored = (await storage.get(key)) as string
      await storage.set(key, `${stored.slice(0, stored.indexOf('\n'))}\n${payload}`)
      log.clear()
      expect(await cache.wrap('k', async () => 'from db')).toBe('from db')
      const errors = log.of('error')
      expect(errors, payload.slice(0, 40)).toHaveLength(1)
      expect(errors[0]?.operation).toBe('decode')
      expect(isKvCacheError(errors[0]?.error, 'CORRUPT_ENTRY')).toBe(true)
      expect(log.of('miss')[0]?.reason).toBe('corrupt')
    }
  })

  // Stored as rows (a plan in the header): the header stays, the rows are replaced. No column is
  // named like an Array method (`at`): an array row would then fail by luck, not by its shape.
  const rowPayloads = [
    ['a date that is text', '[{"id":1,"day":"2026-01-01","n":"1"}]'],
    ['a date that is an object', '[{"id":1,"day":{"$kv":"d","v":1},"n":"1"}]'],
    ['a bigint that is a number', '[{"id":1,"day":1,"n":5}]'],
    ['a bigint that is not an integer', '[{"id":1,"day":1,"n":"1.5"}]'],
    ['a row that is null', '[{"id":1,"day":1,"n":"1"},null]'],
    ['a row that is an array', '[[1,1,"1"]]'],
    ['rows that are an object', '{"id":1,"day":1,"n":"1"}'],
    ['truncated rows', '[{"id":1,"day":1,"n":"1"},{"id":2,"at'],
  ]

  it.each(rowPayloads)('stored rows with %s are a miss reported as a decode error, never an exception', async (_, payload) => {
    const storage = memoryStorage()
    const log = eventLog()
    const cache = createCache({ storage, onEvent: log.onEvent })
    const key = entryKey('kvc', undefined, await hashMaterial(['key', 'k']))
    await cache.set('k', [{ id: 1, day: new Date(1), n: 1n }])
    const stored = (await storage.get(key)) as string
    expect(JSON.parse(stored.slice(0, stored.indexOf('\n'))).p).toStrictEqual({ m: 'o', c: { day: 'd', n: 'b' } })
    await storage.set(key, `${stored.slice(0, stored.indexOf('\n'))}\n${payload}`)
    log.clear()
    expect(await cache.wrap('k', async () => 'from db')).toBe('from db')
    expect(log.of('error').map((event) => [event.operation, isKvCacheError(event.error, 'CORRUPT_ENTRY')])).toStrictEqual([['decode', true]])
    expect(log.of('miss')[0]?.reason).toBe('corrupt')
  })
})
