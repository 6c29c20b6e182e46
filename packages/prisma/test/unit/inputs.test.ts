import { hashMaterial } from '@kvcache/core/internal'
import { describe, expect, it } from 'vitest'
import { normalizeArgs } from '../../src/material'
import { bulkScope, databaseScope, rowScope, tableScope } from '@kvcache/core/internal'
import { createGraph } from '../../src/graph'
import { planRaw, rawStatement } from '../../src/raw'
import { models } from '../.generated/pg/kvcache/models.js'
import { MAX_TAGS, resolveStrategy } from '../../src/strategy'

describe('cacheStrategy', () => {
  it.each([
    [{ ttl: 60 }, { ttlSeconds: 60, swrSeconds: 0, tags: [], autoInvalidate: true }],
    [{ ttl: 60, swr: 30, tags: ['b', 'a', 'b'] }, { ttlSeconds: 60, swrSeconds: 30, tags: ['a', 'b'], autoInvalidate: true }],
    [{ swr: 30 }, { ttlSeconds: 0.001, swrSeconds: 30, tags: [], autoInvalidate: true }],
    [{ ttl: 60, autoInvalidate: false }, { ttlSeconds: 60, swrSeconds: 0, tags: [], autoInvalidate: false }],
  ])('resolves %j', (input, expected) => {
    expect(resolveStrategy(input)).toEqual(expected)
  })
  it.each([undefined, {}, { tags: ['a'] }, { ttl: 0 }])('does not cache %j (Accelerate sends no-cache)', (input) => {
    expect(resolveStrategy(input)).toBeUndefined()
  })
  it(`allows ${MAX_TAGS} tags of 64 characters`, () => {
    const tags = Array.from({ length: MAX_TAGS }, (_, i) => `${i}`.padEnd(64, '_'))
    expect(resolveStrategy({ ttl: 1, tags })?.tags).toHaveLength(MAX_TAGS)
  })
})

describe('hostile args', () => {
  it('any string (lone surrogates, 1 MB) hashes, and different strings differ', async () => {
    const odd = normalizeArgs({ where: { name: '\uD800x\uDFFF' } })
    const big = normalizeArgs({ where: { name: 'x'.repeat(1 << 20) } })
    const [a, b, c] = await Promise.all([hashMaterial(odd), hashMaterial(big), hashMaterial(normalizeArgs({ where: { name: '\uD800y\uDFFF' } }))])
    expect(a).toMatch(/^[\w-]{43}$/)
    expect(b).toMatch(/^[\w-]{43}$/)
    expect(a).not.toBe(c)
  })
  it('Decimal-shaped values and Prisma null sentinels become plain material', () => {
    const decimal = { d: [1, 5], e: 0, s: 1, toFixed: () => '1.5' }
    const dbNull = Object.create({ _getName: () => 'DbNull' })
    expect(normalizeArgs({ price: decimal, meta: dbNull })).toEqual({ price: { $decimal: '1.5' }, meta: { $prisma: 'DbNull' } })
  })
})

describe('raw SQL', () => {
  const graph = createGraph(models)
  const plan = (sql: string, params: unknown[] = []) => planRaw({ sql, params }, 'postgres', undefined, graph).scopes
  it('reads and statements that change nothing invalidate nothing', () => {
    expect(plan('SELECT * FROM users')).toEqual([])
    expect(plan('  (select 1)')).toEqual([])
  })
  it('writes bump what they name, hidden writes and unreadable statements bump the whole database', () => {
    expect(plan('UPDATE "Post" SET title = $1', ['x'])).toEqual(expect.arrayContaining([tableScope('post'), bulkScope('post')]))
    expect(plan('WITH gone AS (DELETE FROM "Comment" RETURNING id) SELECT * FROM gone')).toContain(tableScope('comment'))
    expect(plan('DO $$ BEGIN PERFORM 1; END $$')).toEqual([databaseScope()])
    expect(planRaw(undefined, 'postgres', undefined, graph).scopes).toEqual([databaseScope()])
  })
  it('a write to a table with unique keys also bumps its bulk scope (lookups by those keys)', () => {
    expect(plan('UPDATE users SET name = $1 WHERE id = $2', ['x', 1])).toEqual(expect.arrayContaining([tableScope('users'), bulkScope('users')]))
    expect(rowScope('users', 1)).toBeTruthy()
  })
  it('a schema-qualified write to a model table in the connection\'s schema also bumps the name model reads use', () => {
    expect(plan('UPDATE app.users SET name = $1', ['x'])).toEqual(expect.arrayContaining([tableScope('app.users'), tableScope('users'), bulkScope('users')]))
    // Any table outside the default schema: raw reads may spell it without the schema (the core planner's rule).
    expect(plan('UPDATE app.nothing_we_model SET x = 1')).toEqual(expect.arrayContaining([tableScope('app.nothing_we_model'), tableScope('nothing_we_model')]))
  })
  it('reads the text and values of template, Sql and unsafe args with the dialect\'s placeholders', () => {
    expect(rawStatement({ strings: ['SELECT ', ' FROM t WHERE a = ', ''], values: [1, 2] }, 'postgres')).toEqual({ sql: 'SELECT $1 FROM t WHERE a = $2', params: [1, 2] })
    expect(rawStatement({ strings: ['SELECT ', ' FROM t'], values: [1] }, 'sqlite')).toEqual({ sql: 'SELECT ? FROM t', params: [1] })
    expect(rawStatement(['DELETE FROM t WHERE id = $1', 1], 'postgres')).toEqual({ sql: 'DELETE FROM t WHERE id = $1', params: [1] })
    expect(rawStatement(42, 'postgres')).toBeUndefined()
  })
})
