import { describe, expect, it } from 'vitest'
import { canonicalTable, readFragment, readStatement, type Dialect, type SavepointStatement, type StatementKind } from '../../../src/sql'

type Case = readonly [sql: string, kind: StatementKind, reads: string[], writes: string[], dialect?: Dialect]

const cases: Case[] = [
  // Reads: every relation, wherever it appears.
  ['select "id" from "posts" where "posts"."id" = ?', 'read', ['posts'], []],
  ['select * from posts p, users u where p.author_id = u.id', 'read', ['posts', 'users'], []],
  ['select * from "a" inner join "b" on "a"."id" = "b"."a_id" left join "C" on true', 'read', ['a', 'b', 'c'], []],
  ['select * from "posts" where "author_id" in (select "id" from "users")', 'read', ['posts', 'users'], []],
  ['(select "name" from "users") union (select "body" from "comments")', 'read', ['users', 'comments'], []],
  ['select 1 from a except select 1 from b intersect select 1 from c', 'read', ['a', 'b', 'c'], []],
  ['select (select count(*) from comments c where c.post_id = p.id) from posts p', 'read', ['comments', 'posts'], []],
  ['select * from a, (select * from b) sub, c', 'read', ['a', 'b', 'c'], []],
  ['select * from a join b using (id), c', 'read', ['a', 'b', 'c'], []],
  ['select * from a cross join lateral (select * from b where b.x = a.x) l', 'read', ['a', 'b'], []],
  ['select * from only parent', 'read', ['parent'], []],
  ['table accounts', 'read', ['accounts'], [], 'postgres'],
  ['values (1), (2)', 'read', [], []],
  // CTEs: their names are not tables, their bodies are read.
  ['with "hot" as (select * from "posts") select * from "hot"', 'read', ['posts'], []],
  ['with recursive t(n) as (select 1 union all select n + 1 from t where n < 3) select * from t', 'read', [], []],
  ['with a as materialized (select * from x), b as not materialized (select * from a) select * from b join y on true', 'read', ['x', 'y'], []],
  ['with posts as (select * from users) select * from public.posts', 'read', ['users', 'posts'], []],
  ['select * from (with t as (select 1) select * from t) s, t', 'read', ['t'], []],
  // Names: quotes, schemas, default schemas, case.
  ['select * from "app"."accounts"', 'read', ['app.accounts'], []],
  ['select * from "public"."accounts"', 'read', ['accounts'], []],
  ['select * from main.accounts', 'read', ['accounts'], []],
  ['select * from `Weird Name` join [Other] on 1', 'read', ['weird name', 'other'], [], 'sqlite'],
  ['select * from "a""b"', 'read', ['a"b'], []],
  // Literals and comments hide keywords.
  ['select \'from secret\' as x from "t" -- from hidden', 'read', ['t'], []],
  ["select 1 from t /* from x */ where a = 'it''s from y'", 'read', ['t'], []],
  ['select $$ from x $$, $tag$ from y $tag$ from t', 'read', ['t'], [], 'postgres'],
  ["select E'\\' from x' from t", 'read', ['t'], [], 'postgres'],
  ['select 1 from t /* outer /* nested */ from hidden */', 'read', ['t'], [], 'postgres'],
  // FROM inside function calls is an argument keyword.
  ['select extract(year from created_at), substring(title from 2 for 3) from posts', 'read', ['posts'], []],
  ['select trim(both from name) from users where a is distinct from b', 'read', ['users'], []],
  ['select array(select id from tags) from posts', 'read', ['tags', 'posts'], [], 'postgres'],
  ['select * from json_each(?) j, users', 'read', ['users'], [], 'sqlite'],
  ['select * from generate_series(1, 3) g', 'read', [], [], 'postgres'],
  // Writes.
  ['insert into "posts" ("id") values (?)', 'write', [], ['posts']],
  ['insert or replace into posts (id) select id from drafts', 'write', ['drafts'], ['posts']],
  ['replace into posts (id) values (1)', 'write', [], ['posts'], 'sqlite'],
  ['update "posts" set "title" = ? where "posts"."id" = ?', 'write', [], ['posts']],
  ['update or ignore posts set title = ?', 'write', [], ['posts'], 'sqlite'],
  ['update only "app"."t" as x set a = 1 from other o where o.id = x.id', 'write', ['other'], ['app.t'], 'postgres'],
  ['delete from "comments" where "post_id" in (select "id" from "posts")', 'write', ['comments', 'posts'], ['comments']],
  ['delete from t using u where t.id = u.id', 'write', ['t', 'u'], ['t'], 'postgres'],
  ['with x as (delete from "a" returning *) insert into "b" select * from x', 'write', ['a'], ['a', 'b']],
  ['with x as (select 1) update t set a = 1', 'write', [], ['t']],
  ['insert into t (id) values (1) on conflict (id) do update set n = t.n + 1', 'write', [], ['t']],
  ['merge into t using s on t.id = s.id when matched then update set a = s.a', 'write', ['s'], ['t'], 'postgres'],
  ['truncate table "a", "b"', 'write', [], ['a', 'b']],
  ['truncate only a, b * cascade', 'write', [], ['a', 'b'], 'postgres'],
  ['refresh materialized view concurrently app.mv', 'write', [], ['app.mv'], 'postgres'],
  ['select * from t for update', 'read', ['t'], []],
  ['select * from t for no key update of t skip locked', 'read', ['t'], [], 'postgres'],
  // DDL, unknowns, harmless statements.
  ['create table if not exists "x" (id integer primary key)', 'write', [], ['x']],
  ['drop table if exists a, b', 'write', [], ['a', 'b']],
  ['create view v as select * from posts', 'write', ['posts'], ['v']],
  ['alter table t add column c text', 'write', [], ['t']],
  ['select * into new_table from t', 'unknown', ['t'], [], 'postgres'],
  ['vacuum', 'unknown', [], []],
  ['call do_things()', 'unknown', [], [], 'postgres'],
  ['do $$ begin insert into t values (1); end $$', 'unknown', [], [], 'postgres'],
  ["update items set name = 'a' where id = 1; select 1;", 'unknown', [], ['items']],
  ['explain analyze delete from t', 'unknown', ['t'], ['t'], 'postgres'],
  ['explain query plan select * from t', 'harmless', ['t'], [], 'sqlite'],
  ['pragma table_info(users)', 'harmless', [], [], 'sqlite'],
  ['pragma foreign_keys = on', 'harmless', [], [], 'sqlite'],
  ['pragma writable_schema = 1', 'unknown', [], [], 'sqlite'],
  ['set search_path to app', 'harmless', [], [], 'postgres'],
  ['show timezone', 'harmless', [], [], 'postgres'],
  ['', 'harmless', [], []],
  [' ; -- nothing', 'harmless', [], []],
]

describe('readStatement: kind, relations read, tables written', () => {
  for (const [sql, kind, reads, writes, dialect] of cases) {
    it(`${dialect ?? 'any'}: ${sql || '(empty)'}`, () => {
      const shape = readStatement(sql, dialect)
      expect(shape.kind).toBe(kind)
      expect([...shape.reads].sort()).toStrictEqual([...reads].sort())
      expect([...shape.writes].sort()).toStrictEqual([...writes].sort())
    })
  }
})

describe('readStatement: write events', () => {
  const events: [string, string[], Dialect?][] = [
    ['insert into t values (1)', ['t:insert']],
    ['insert or replace into t values (1)', ['t:insert', 't:delete'], 'sqlite'],
    ['insert into t values (1) on conflict do nothing', ['t:insert']],
    ['insert into t values (1) on conflict (id) do update set a = 1', ['t:insert', 't:update']],
    ['update or replace t set email = ? where id = ?', ['t:update', 't:delete'], 'sqlite'],
    ['delete from only t', ['t:delete'], 'postgres'],
    ['truncate a', ['a:truncate']],
    ['merge into t using s on true when matched then delete', ['t:insert', 't:update', 't:delete'], 'postgres'],
    ['with d as (delete from a returning id) update b set x = 1 where id in (select id from d)', ['a:delete', 'b:update'], 'postgres'],
  ]
  for (const [sql, expected, dialect] of events) {
    it(sql, () => {
      expect(readStatement(sql, dialect).effects.map((effect) => `${effect.table}:${effect.event}`)).toStrictEqual(expected)
    })
  }
})

describe('readStatement: transaction control', () => {
  const controls: [string, string | undefined, StatementKind][] = [
    ['begin', 'begin', 'transaction'],
    ['BEGIN IMMEDIATE', 'begin', 'transaction'],
    ['start transaction isolation level serializable', 'begin', 'transaction'],
    ['COMMIT', 'commit', 'transaction'],
    ['end transaction', 'commit', 'transaction'],
    ['rollback', 'rollback', 'transaction'],
    ['abort', 'rollback', 'transaction'],
    ['rollback to savepoint sp1', 'savepoint', 'transaction'],
    ['rollback transaction to sp1', 'savepoint', 'transaction'],
    ['savepoint sp1', 'savepoint', 'transaction'],
    ['release savepoint sp1', 'savepoint', 'transaction'],
    ["prepare transaction 'x'", 'commit', 'transaction'],
    ["commit prepared 'x'", undefined, 'unknown'],
    ['prepare q as select 1', undefined, 'harmless'],
  ]
  for (const [sql, control, kind] of controls) {
    it(sql, () => {
      const shape = readStatement(sql)
      expect(shape.kind).toBe(kind)
      expect(shape.control).toBe(control)
    })
  }
})

describe('readStatement: savepoints and their names', () => {
  const savepoints: [string, SavepointStatement][] = [
    ['savepoint sp1', { action: 'set', name: 'sp1' }],
    ['SAVEPOINT Sp1;', { action: 'set', name: 'sp1' }],
    ['savepoint "Sp 1"', { action: 'set', name: 'Sp 1' }],
    ['savepoint "a""b"', { action: 'set', name: 'a"b' }],
    ['/* nested */ savepoint -- why\n  sp1', { action: 'set', name: 'sp1' }],
    ['release sp1', { action: 'release', name: 'sp1' }],
    ['release savepoint "Sp 1"', { action: 'release', name: 'Sp 1' }],
    ['release savepoint', { action: 'release', name: 'savepoint' }],
    ['rollback to sp1', { action: 'rollback-to', name: 'sp1' }],
    ['ROLLBACK TO SAVEPOINT SP1', { action: 'rollback-to', name: 'sp1' }],
    ['rollback transaction to savepoint "x"', { action: 'rollback-to', name: 'x' }],
    ['rollback work to sp1', { action: 'rollback-to', name: 'sp1' }],
    ['savepoint', { action: 'set', name: '' }],
    ["savepoint 'x'", { action: 'set', name: '' }],
  ]
  for (const [sql, savepoint] of savepoints) {
    it(sql, () => {
      const shape = readStatement(sql, 'postgres')
      expect(shape.kind).toBe('transaction')
      expect(shape.control).toBe('savepoint')
      expect(shape.savepoint).toStrictEqual(savepoint)
    })
  }

  it('other statements carry no savepoint', () => {
    for (const sql of ['begin', 'commit', 'rollback', 'select 1', 'savepoint a; select 1']) expect(readStatement(sql).savepoint).toBeUndefined()
  })
})

describe('readStatement: a trigger definition is one statement', () => {
  it('keeps BEGIN ... ; ... END together and reports DDL', () => {
    const shape = readStatement(
      'CREATE TRIGGER t AFTER UPDATE ON users BEGIN INSERT INTO audit VALUES (1); UPDATE x SET a = CASE WHEN 1 THEN 2 END; END',
      'sqlite',
    )
    expect(shape.kind).toBe('write')
    expect(shape.ddl).toBe(true)
  })
})

describe('canonicalTable', () => {
  it('unquotes, lower-cases and drops default schemas', () => {
    expect(canonicalTable('"Posts"')).toBe('posts')
    expect(canonicalTable('"public"."posts"')).toBe('posts')
    expect(canonicalTable('app.Accounts')).toBe('app.accounts')
    expect(canonicalTable('"app"."accounts"')).toBe('app.accounts')
    expect(canonicalTable('main.users')).toBe('users')
    expect(canonicalTable('not a name')).toBe('not a name')
  })
})

describe('hostile input never throws', () => {
  const inputs = [
    "select * from 'unterminated",
    'select * from "unterminated',
    'select * from [unterminated',
    'select * from t where x = $tag$ never closed',
    '/* never closed',
    'select \uD800 from \uDC00t where "\uD83D" = ?',
    '(((((((((((',
    ')))))) select * from t',
    'with with with as as (',
    'update set set set where',
    'delete from',
    'insert into',
    `select * from t where ${'a = ? and '.repeat(5000)}b = ?`,
    '\u0000select\u0000 * from t',
    'select'.repeat(10_000),
  ]
  for (const sql of inputs) {
    it(JSON.stringify(sql.slice(0, 40)), () => {
      for (const dialect of [undefined, 'sqlite', 'postgres'] as const) {
        const shape = readStatement(sql, dialect)
        expect(['read', 'write', 'transaction', 'harmless', 'unknown']).toContain(shape.kind)
      }
    })
  }
})

describe('readFragment (raw SQL inside a builder tree)', () => {
  it.each([
    ["datetime('now')", { reads: [], writes: false, volatile: true, locking: false }],
    ['random() * 2', { reads: [], writes: false, volatile: true, locking: false }],
    ['exists (select 1 from comments where comments.post_id = posts.id)', { reads: ['comments'], writes: false, volatile: false, locking: false }],
    // A placeholder in a FROM list stands for an interpolated subquery: the relations after it still count.
    ['select * from ?, comments', { reads: ['comments'], writes: false, volatile: false, locking: false }],
    ['from ? as p join users on users.id = p.author_id', { reads: ['users'], writes: false, volatile: false, locking: false }],
    ['for update', { reads: [], writes: false, volatile: false, locking: true }],
    ['with gone as (delete from posts returning id) select ?', { reads: ['posts'], writes: true, volatile: false, locking: false }],
    ['coalesce(title, ?)', { reads: [], writes: false, volatile: false, locking: false }],
    ["'from posts' || ?", { reads: [], writes: false, volatile: false, locking: false }],
  ] as const)('%s', (text, shape) => {
    expect(readFragment(text, 'sqlite')).toStrictEqual(shape)
  })
})
