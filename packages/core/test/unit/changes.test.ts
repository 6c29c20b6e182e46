import { describe, expect, it } from 'vitest'
import { changeScopes, dependencyScopes, type Change, type Dependency } from '../../src/changes'
import { bulkScope, databaseScope, rowScopeOf, tableScope, tagScope } from '../../src/layout'
import { canonicalTable, relationSpellings } from '../../src/relation-names'
import { keyTypeOfSql, keyValueSpellings, rowKeySpellings, type KeyType } from '../../src/row-keys'
import { changedScopesOf, dependedScopesOf } from '../../src/scopes'

/** True when a change reaches a read: they share a scope (the read's stamp of it moves). */
const reaches = (change: Change, dependency: Dependency) => {
  const bumped = new Set(changeScopes([change]))
  return dependencyScopes([dependency]).some((scope) => bumped.has(scope))
}

describe('change vocabulary', () => {
  it('a table change reaches every read of the table: by key, in bulk, and through its other spelling', () => {
    const row: Dependency = { kind: 'rows', table: 'posts', rows: [{ values: [1] }] }
    expect(reaches({ kind: 'table', table: 'posts' }, row)).toBe(true)
    expect(reaches({ kind: 'table', table: 'posts' }, { kind: 'table', table: 'posts' })).toBe(true)
    expect(reaches({ kind: 'table', table: '"public"."Posts"' }, row)).toBe(true)
    expect(reaches({ kind: 'table', table: 'app.posts' }, { kind: 'rows', table: 'posts', rows: [{ values: ['a'] }] })).toBe(true)
    expect(reaches({ kind: 'table', table: 'posts' }, { kind: 'rows', table: 'app.posts', rows: [{ values: ['a'] }] })).toBe(true)
    // Composite keys too.
    expect(reaches({ kind: 'table', table: 'members' }, { kind: 'rows', table: 'members', rows: [{ values: [1, 'x'] }] })).toBe(true)
  })

  it('a table change leaves other tables alone; a row change leaves other rows alone', () => {
    expect(reaches({ kind: 'table', table: 'posts' }, { kind: 'table', table: 'users' })).toBe(false)
    expect(reaches({ kind: 'table', table: 'posts' }, { kind: 'rows', table: 'users', rows: [{ values: [1] }] })).toBe(false)
    const row1: Change = { kind: 'rows', table: 'posts', rows: [{ values: [1] }] }
    expect(reaches(row1, { kind: 'rows', table: 'posts', rows: [{ values: [2] }] })).toBe(false)
    expect(reaches(row1, { kind: 'rows', table: 'posts', rows: [{ values: [1] }] })).toBe(true)
    // A row change still reaches reads of the whole table.
    expect(reaches(row1, { kind: 'table', table: 'posts' })).toBe(true)
  })

  it('a change whose row cannot be named falls back to the whole table', () => {
    const byDate: Change = { kind: 'rows', table: 'events', rows: [{ values: [new Date(0)] }] }
    expect(changeScopes([byDate])).toStrictEqual([bulkScope('events'), tableScope('events')])
    expect(reaches(byDate, { kind: 'rows', table: 'events', rows: [{ values: [7] }] })).toBe(true)
    // A read by a key that cannot be named depends on the table.
    expect(dependencyScopes([{ kind: 'rows', table: 'events', rows: [{ values: [null] }] }])).toStrictEqual([databaseScope(), tableScope('events')])
  })

  it('database changes reach every read of a table, everything reaches entries that follow no table, tags reach their tag', () => {
    expect(reaches({ kind: 'database' }, { kind: 'rows', table: 'posts', rows: [{ values: [1] }] })).toBe(true)
    expect(reaches({ kind: 'database' }, { kind: 'tag', tag: 'feed' })).toBe(false)
    expect(reaches({ kind: 'everything' }, { kind: 'everything' })).toBe(true)
    expect(reaches({ kind: 'tag', tag: 'feed' }, { kind: 'tag', tag: 'feed' })).toBe(true)
    expect(reaches({ kind: 'tag', tag: 'feed' }, { kind: 'table', table: 'feed' })).toBe(false)
  })

  it('spells scopes from one module (layout)', () => {
    expect(changeScopes([{ kind: 'rows', table: 'posts', rows: [{ values: [1] }] }])).toStrictEqual([rowScopeOf('posts', 'n1'), tableScope('posts')])
    expect(dependencyScopes([{ kind: 'tag', tag: 'x' }])).toStrictEqual([tagScope('x')])
  })
})

describe('row key spellings', () => {
  // Every source of a key value: what a typed catalog or model says, and an untyped manual call.
  const TYPES: KeyType[] = ['integer', 'text', 'uuid', 'unknown']
  const meet = (a: unknown, typeA: KeyType, b: unknown, typeB: KeyType) => {
    const left = new Set(keyValueSpellings(a, typeA))
    return keyValueSpellings(b, typeB).some((spelling) => left.has(spelling))
  }

  it('the same row gets a shared spelling from every source that can name it', () => {
    // Pairs a database treats as one row, with the column types under which it does.
    const sameRow: [unknown, unknown, KeyType[]][] = [
      [123, '123', ['integer', 'text', 'unknown']],
      [123, 123n, ['integer', 'text', 'unknown']],
      ['0123', 123, ['integer']],
      [' 7 ', 7n, ['integer']],
      [true, 1, ['integer', 'unknown']],
      ['A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', ['uuid']],
      ['{a0eebc999c0b4ef8bb6d6bb9bd380a11}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', ['uuid']],
      ['héllo', 'héllo', ['text', 'unknown']],
    ]
    for (const [a, b, types] of sameRow) {
      for (const type of types) {
        // Typed on one side, typed or unknown on the other: they must meet.
        for (const other of [type, 'unknown' as KeyType]) {
          if (keyValueSpellings(a, type).length === 0 || keyValueSpellings(b, other).length === 0) continue
          expect(meet(a, type, b, other), `${String(a)} (${type}) vs ${String(b)} (${other})`).toBe(true)
        }
      }
    }
  })

  it('an unknown type is spelled every way a typed source could spell it', () => {
    const values: unknown[] = [0, -1, 42n, '42', '0042', '+5', 'abc', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', true, 'x\ufffd']
    for (const value of values) {
      const unknown = new Set(keyValueSpellings(value, 'unknown'))
      for (const type of TYPES) for (const spelling of keyValueSpellings(value, type)) expect(unknown.has(spelling), `${String(value)} as ${type}`).toBe(true)
    }
  })

  it('keeps rows apart that a database keeps apart', () => {
    expect(meet('0123', 'text', '123', 'text')).toBe(false)
    expect(rowKeySpellings([1, 'a:b'])).not.toStrictEqual(rowKeySpellings(['1', 'a', 'b']))
    expect(rowKeySpellings([1, 'a,b'])).not.toStrictEqual(rowKeySpellings([1, 'a', 'b']))
  })

  it('gives no spelling to values that cannot name a row', () => {
    // A lone surrogate becomes U+FFFD in the database: '\ud800' and '\udc00' would be one row there.
    for (const value of [new Date(0), new Uint8Array([1]), null, undefined, 1.5, Number.NaN, 2 ** 60, {}, [], '\ud800', 'a\udc00']) {
      expect(keyValueSpellings(value, 'unknown'), String(value)).toStrictEqual([])
    }
    expect(keyValueSpellings('abc', 'integer')).toStrictEqual([])
    expect(keyValueSpellings(1, 'opaque')).toStrictEqual([])
    expect(rowKeySpellings([])).toBeUndefined()
    expect(rowKeySpellings([1, null])).toBeUndefined()
  })

  it('bounds the spellings of a composite key of ambiguous parts', () => {
    expect(rowKeySpellings(['01', '02', '03'])).toHaveLength(8)
    expect(rowKeySpellings(['01', '02', '03', '04'])).toBeUndefined()
  })

  it('reads key types from declared SQL types', () => {
    expect(keyTypeOfSql('INTEGER', 'sqlite')).toBe('integer')
    expect(keyTypeOfSql('bigint', 'sqlite')).toBe('integer')
    expect(keyTypeOfSql('NVARCHAR(20)', 'sqlite')).toBe('text')
    expect(keyTypeOfSql('', 'sqlite')).toBe('opaque')
    expect(keyTypeOfSql('REAL', 'sqlite')).toBe('opaque')
    expect(keyTypeOfSql('integer', 'postgres')).toBe('integer')
    expect(keyTypeOfSql('character varying', 'postgres')).toBe('text')
    expect(keyTypeOfSql('uuid', 'postgres')).toBe('uuid')
    expect(keyTypeOfSql('character', 'postgres')).toBe('opaque')
    expect(keyTypeOfSql('citext', 'postgres')).toBe('opaque')
    expect(keyTypeOfSql('point', 'postgres')).toBe('opaque')
  })
})

describe('relation names', () => {
  it('one canonical name per table, whoever writes it', () => {
    for (const written of ['posts', 'Posts', '"posts"', '"public"."posts"', 'public.posts', 'main.posts', '`posts`', '[posts]', ' posts ']) {
      expect(canonicalTable(written), written).toBe('posts')
    }
    expect(canonicalTable('"app"."Accounts"')).toBe('app.accounts')
    expect(canonicalTable('"we""ird"')).toBe('we"ird')
    expect(relationSpellings('app.accounts')).toStrictEqual(['app.accounts', 'accounts'])
  })
})

describe('public targets', () => {
  it('invalidate({ tables }) bumps what every read of the table depends on', () => {
    const bumped = new Set(changedScopesOf({ tables: ['Posts'] }))
    const byKey = dependedScopesOf({ rows: [{ table: 'posts', pk: '123' }] })
    const whole = dependedScopesOf({ tables: ['posts'] })
    expect(byKey.some((scope) => bumped.has(scope))).toBe(true)
    expect(whole.some((scope) => bumped.has(scope))).toBe(true)
  })

  it('a row invalidation with an untyped key reaches reads of either spelling', () => {
    const bumped = new Set(changedScopesOf({ rows: [{ table: 'codes', pk: '0123' }] }))
    expect(bumped.has(rowScopeOf('codes', 's0123'))).toBe(true)
    expect(bumped.has(rowScopeOf('codes', 'n123'))).toBe(true)
  })

  it('sorts and de-duplicates', () => {
    expect(dependedScopesOf({ tables: ['b', 'a', 'a'], tags: ['t'] })).toStrictEqual([databaseScope(), tableScope('a'), tableScope('b'), tagScope('t')])
  })
})

describe('many rows', () => {
  it('more rows than MAX_ROWS change (or are read as) the whole table: one stamp, not thousands', () => {
    const rows = Array.from({ length: 101 }, (_, i) => ({ values: [i] }))
    expect(changeScopes([{ kind: 'rows', table: 'posts', rows }])).toStrictEqual([bulkScope('posts'), tableScope('posts')])
    expect(dependencyScopes([{ kind: 'rows', table: 'posts', rows }])).toStrictEqual([databaseScope(), tableScope('posts')])
    expect(changeScopes([{ kind: 'rows', table: 'posts', rows: rows.slice(0, 100) }])).toHaveLength(101)
  })
})
