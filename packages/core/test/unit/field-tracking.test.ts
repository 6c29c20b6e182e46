// Field-aware invalidation in core: the option's validation, the quiet rule (one place), and how
// the planner applies it to a write's own change only (never to what the catalog derives from it).
import { describe, expect, it } from 'vitest'
import { resolveBindingOptions } from '../../src/binding/binding-options'
import { resolveFieldTracking, type FieldSchema } from '../../src/binding/field-tracking-options'
import { changeScopes, type Change } from '../../src/changes'
import { isKvCacheError } from '../../src/errors'
import { isQuietChange, splitQuiet, type ResolvedFieldTracking } from '../../src/field-tracking'
import { createCatalog, planOperation, planStatement, type Plan } from '../../src/sql'
import readme from '../../README.md?raw'
import { thrown } from '../helpers'
import { options as readmeOptions } from '../readme-field-tracking'
import readmeSource from '../readme-field-tracking.ts?raw'

const tracking = (value: unknown, schema?: FieldSchema) => resolveFieldTracking('test', value, schema) as ResolvedFieldTracking

describe('the fieldTracking option', () => {
  it('is one of the shared binding options, resolved once to canonical tables and column sets', () => {
    const options = resolveBindingOptions(
      'test',
      { fieldTracking: { '"Posts"': { neverInvalidateOn: ['view_count'] }, users: { neverInvalidateOn: '*', alwaysInvalidateOn: ['name'] } } },
      [],
    )
    expect([...(options.fieldTracking?.keys() ?? [])]).toStrictEqual(['posts', 'users'])
    expect(options.fieldTracking?.get('posts')).toStrictEqual({ never: new Set(['view_count']), always: new Set() })
    expect(options.fieldTracking?.get('users')).toStrictEqual({ never: '*', always: new Set(['name']) })
    expect(resolveBindingOptions('test', {}, []).fieldTracking).toBeUndefined()
  })

  it('bad shapes fail at construction with INVALID_OPTION naming the option path', () => {
    const cases: [unknown, string][] = [
      [['posts'], 'Option `fieldTracking` must be an object keyed by table'],
      [{ posts: ['view_count'] }, 'Option `fieldTracking.posts` must be an object'],
      [{ posts: { neverInvalidateOn: 'view_count' } }, "Option `fieldTracking.posts.neverInvalidateOn` must be '*' or an array of column names."],
      [{ posts: { neverInvalidateOn: [1] } }, 'Option `fieldTracking.posts.neverInvalidateOn` must be'],
      [{ posts: { neverInvalidateOn: [''] } }, 'Option `fieldTracking.posts.neverInvalidateOn` must be'],
      [{ posts: { neverInvalidateOn: ['a'], alwaysInvalidateOn: '*' } }, 'Option `fieldTracking.posts.alwaysInvalidateOn` must be an array of column names.'],
      [{ posts: { alwaysInvalidateOn: ['title'] } }, 'Option `fieldTracking.posts.neverInvalidateOn` is missing'],
      [{ posts: { neverInvalidateOn: ['a'] }, '"posts"': { neverInvalidateOn: ['b'] } }, 'names `posts` twice'],
      [{ ' ': { neverInvalidateOn: ['a'] } }, 'a table name is empty'],
    ]
    for (const [value, message] of cases) {
      const error = thrown(() => resolveBindingOptions('test', { fieldTracking: value }, []))
      expect(isKvCacheError(error, 'INVALID_OPTION'), message).toBe(true)
      expect(error.message).toContain(message)
    }
    // A misspelled rule field names the nearest one, with its path.
    const typo = thrown(() => resolveBindingOptions('test', { fieldTracking: { posts: { neverInvalidate: ['a'] } } }, []))
    expect(isKvCacheError(typo, 'UNKNOWN_OPTION')).toBe(true)
    expect(typo.message).toContain('Did you mean `fieldTracking.posts.neverInvalidateOn`?')
    // And the option itself is a known name (a typo of it names it).
    expect(thrown(() => resolveBindingOptions('test', { fieldTraking: {} }, [])).message).toContain('Did you mean `fieldTracking`?')
  })

  it('with a schema: ORM names become SQL names, and an unknown table or column fails naming the nearest', () => {
    const schema: FieldSchema = {
      tables: new Map([
        [
          'Post',
          {
            table: 'posts',
            columns: new Map([
              ['viewCount', ['view_count']],
              ['title', ['title']],
            ]),
          },
        ],
      ]),
      nouns: ['model', 'field'],
    }
    const resolved = tracking({ Post: { neverInvalidateOn: ['viewCount'], alwaysInvalidateOn: ['title'] } }, schema)
    expect(resolved.get('posts')).toStrictEqual({ never: new Set(['view_count']), always: new Set(['title']) })
    const table = thrown(() => tracking({ Posts: { neverInvalidateOn: '*' } }, schema))
    expect(table.message).toContain('Option `fieldTracking.Posts` names model `Posts`, which the schema does not have. Did you mean `Post`?')
    const column = thrown(() => tracking({ Post: { neverInvalidateOn: ['veiwCount'] } }, schema))
    expect(isKvCacheError(column, 'INVALID_OPTION')).toBe(true)
    expect(column.message).toContain(
      'Option `fieldTracking.Post.neverInvalidateOn` names field `veiwCount`, which `Post` does not have. Did you mean `viewCount`?',
    )
    expect(thrown(() => tracking({ Post: { neverInvalidateOn: '*', alwaysInvalidateOn: ['titel'] } }, schema)).message).toContain(
      '`fieldTracking.Post.alwaysInvalidateOn`',
    )
  })
})

describe('the quiet rule', () => {
  const rules = tracking({
    posts: { neverInvalidateOn: ['view_count', 'last_seen'] },
    users: { neverInvalidateOn: '*', alwaysInvalidateOn: ['name', 'email'] },
  })
  const update = (table: string, columns?: string[]): Change => ({ kind: 'table', table, ...(columns ? { columns } : {}) })
  const cases: [Change, boolean, string][] = [
    [update('posts', ['view_count']), true, 'one quiet column'],
    [update('posts', ['view_count', 'last_seen']), true, 'every column quiet'],
    [update('posts', ['view_count', 'title']), false, 'a quiet and a loud column'],
    [update('posts', ['title']), false, 'a loud column'],
    [update('posts'), false, 'columns unknown'],
    [update('posts', []), false, 'no columns named'],
    [update('"Posts"', ['view_count']), true, 'any spelling of the table'],
    [update('comments', ['view_count']), false, 'a table without a rule'],
    [update('users', ['avatar', 'bio']), true, "'*' makes every column quiet"],
    [update('users', ['avatar', 'name']), false, 'alwaysInvalidateOn wins over *'],
    [{ kind: 'rows', table: 'posts', rows: [{ values: [1] }], columns: ['view_count'] }, true, 'rows of a table'],
    [{ kind: 'database' }, false, 'the whole database'],
    [{ kind: 'tag', tag: 'feed' }, false, 'a tag'],
  ]
  for (const [change, quiet, name] of cases) {
    it(`${name}: ${quiet ? 'quiet' : 'bumps'}`, () => {
      expect(isQuietChange(change, rules)).toBe(quiet)
      const { loud } = splitQuiet([change], rules)
      expect(changeScopes(loud).length === 0).toBe(quiet)
    })
  }
  it('without rules nothing is quiet', () => {
    expect(isQuietChange(update('posts', ['view_count']), undefined)).toBe(false)
    expect(splitQuiet([update('posts', ['view_count'])], undefined).quiet).toStrictEqual([])
  })
  it('a rule under an unqualified name applies where the search path resolves it, never to a table of another schema', () => {
    const resolve = (name: string) => (name === 'posts' ? 'app.posts' : name)
    expect(isQuietChange(update('app.posts', ['view_count']), rules, resolve)).toBe(true)
    expect(isQuietChange(update('posts', ['view_count']), rules, resolve)).toBe(true)
    expect(isQuietChange(update('other.posts', ['view_count']), rules)).toBe(false)
  })
})

describe('the planner applies it to the write itself, never to what the catalog derives', () => {
  const catalog = createCatalog({
    complete: true,
    tables: [
      { name: 'posts', primaryKey: ['id'] },
      { name: 'comments', primaryKey: ['id'] },
      { name: 'audit', primaryKey: ['id'] },
      { name: 'counters', primaryKey: ['id'] },
    ],
    foreignKeys: [{ table: 'comments', references: 'posts', onDelete: 'cascade', onUpdate: 'cascade' }],
    triggers: [
      { name: 'counters_touch', table: 'counters', events: ['update'], writes: [{ table: 'counters', event: 'update' }] },
      { name: 'audit_all', table: 'audit', events: ['update'], writes: [], writesUnknown: true },
    ],
  })
  const fieldTracking = tracking({
    posts: { neverInvalidateOn: ['view_count'] },
    counters: { neverInvalidateOn: ['n'] },
    audit: { neverInvalidateOn: '*' },
  })
  const plan = (sql: string, params: unknown[] = []): Plan => planStatement({ sql, params, dialect: 'sqlite' }, { catalog, fieldTracking })
  const write = (result: Plan) => {
    if (result.type !== 'write') throw new Error(`not a write plan: ${result.type}`)
    return { scopes: [...result.scopes].sort(), quiet: result.quiet ?? [] }
  }

  it('an UPDATE of quiet columns bumps nothing of its table (by key or in bulk); its ON UPDATE children still bump', () => {
    const byKey = write(plan('update posts set view_count = view_count + 1 where id = ?', [1]))
    expect(byKey.quiet).toStrictEqual([{ table: 'posts', columns: ['view_count'] }])
    expect(byKey.scopes).toStrictEqual(changeScopes([{ kind: 'table', table: 'comments' }]))
    expect(write(plan('update posts set view_count = 0')).scopes).toStrictEqual(changeScopes([{ kind: 'table', table: 'comments' }]))
  })

  it('a loud column, an unreadable SET, an insert, an upsert, a delete, REPLACE: bump the table as before', () => {
    for (const sql of [
      'update posts set view_count = 1, title = ? where id = ?',
      'update posts set posts.view_count = 1',
      'insert into posts (id, view_count) values (1, 2)',
      'insert into posts (id, view_count) values (1, 2) on conflict (id) do update set view_count = 2',
      'delete from posts where id = 1',
      'replace into posts (id, view_count) values (1, 2)',
      'update or replace posts set view_count = 1',
      'with x as (select 1) update posts set view_count = 1',
    ]) {
      const result = write(plan(sql, ['t', 1]))
      expect(result.quiet, sql).toStrictEqual([])
      expect(result.scopes, sql).toEqual(
        expect.arrayContaining(changeScopes([{ kind: 'table', table: 'posts' }]).filter((scope) => scope.startsWith('table:'))),
      )
    }
  })

  it("a write that moves a row to another key is never quiet, even under '*'", () => {
    const moving = tracking({ posts: { neverInvalidateOn: '*' } })
    for (const sql of ['update posts set id = id + 100', 'update posts set id = ?, view_count = 0 where id = ?']) {
      const result = planStatement({ sql, params: [5, 1], dialect: 'sqlite' }, { catalog, fieldTracking: moving })
      expect(result.type === 'write' && result.quiet, sql).toBeUndefined()
    }
    const described = planOperation(
      { kind: 'write', writes: [{ table: 'posts', event: 'update', columns: ['slug'], keyChanged: true }] },
      { catalog, fieldTracking: moving },
    )
    expect(described.type === 'write' && described.quiet).toBeUndefined()
  })

  it('a trigger that writes the table back bumps it; one that writes what we cannot read bumps the database', () => {
    const touched = write(plan('update counters set n = n + 1 where id = 1'))
    expect(touched.quiet).toStrictEqual([{ table: 'counters', columns: ['n'] }])
    expect(touched.scopes).toStrictEqual(changeScopes([{ kind: 'table', table: 'counters' }]))
    expect(write(plan('update audit set note = 1')).scopes).toStrictEqual(changeScopes([{ kind: 'database' }]))
  })

  it('a table the complete catalog does not know bumps the database even when quiet', () => {
    const unknown = planStatement(
      { sql: 'update ghosts set n = 1', dialect: 'sqlite' },
      { catalog, fieldTracking: tracking({ ghosts: { neverInvalidateOn: '*' } }) },
    )
    expect(unknown.type === 'write' && unknown.scopes).toStrictEqual(changeScopes([{ kind: 'database' }]))
  })

  it('structured descriptions (Kysely, Prisma) go through the same rule: every write to the table must carry quiet columns', () => {
    const described = (writes: object[]) => write(planOperation({ kind: 'write', writes: writes as never }, { catalog, fieldTracking }))
    expect(described([{ table: 'counters', event: 'update', columns: ['n'], keys: [{ id: 1 }] }]).quiet).toStrictEqual([{ table: 'counters', columns: ['n'] }])
    // A second write to the table without columns (a nested write) makes it loud.
    expect(
      described([
        { table: 'posts', event: 'update', columns: ['view_count'] },
        { table: 'posts', event: 'update' },
      ]).quiet,
    ).toStrictEqual([])
    expect(described([{ table: 'posts', event: 'insert', columns: ['view_count'] }]).quiet).toStrictEqual([])
  })

  it('without fieldTracking the plan is what it was', () => {
    const plain = planStatement({ sql: 'update posts set view_count = 1 where id = ?', params: [1], dialect: 'sqlite' }, { catalog })
    expect(plain.type === 'write' && plain.quiet).toBeUndefined()
    expect(plain.type === 'write' && plain.scopes).toContain('table:posts')
  })
})

describe('the README section', () => {
  it('shows exactly the options this test resolves', () => {
    expect(readme).toContain(readmeSource.trim())
  })

  it('its rules: a view count is quiet; a name, or anything else with it, is not', () => {
    const { fieldTracking } = resolveBindingOptions('test', readmeOptions, [])
    const quiet = (sql: string) => {
      const result = planStatement({ sql, dialect: 'postgres' }, { fieldTracking })
      return result.type === 'write' && result.quiet !== undefined
    }
    expect(quiet('update posts set view_count = view_count + 1 where id = $1')).toBe(true)
    expect(quiet('update posts set view_count = 0, title = $1')).toBe(false)
    expect(quiet('update users set last_seen_at = now() where id = $1')).toBe(true)
    expect(quiet('update users set last_seen_at = now(), name = $1')).toBe(false)
  })
})
