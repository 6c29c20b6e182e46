import { describe, expect, it } from 'vitest'
import { bulkScope, databaseScope, rowScope, tableScope } from '../../../src/layout'
import { createCatalog, planOperation, planStatement, resolveRelation, type OperationDescription, type Plan, type PlanInput } from '../../../src/sql'

const catalog = createCatalog({
  complete: true,
  tables: [
    { name: 'users', primaryKey: ['id'] },
    { name: 'posts', primaryKey: ['id'] },
    { name: 'comments', primaryKey: ['id'] },
    { name: 'tags', primaryKey: ['id'] },
    { name: 'members', primaryKey: ['org_id', 'user_id'] },
    { name: 'employees', primaryKey: ['id'] },
    { name: 'audit', primaryKey: ['id'] },
    { name: 'audit_archive', primaryKey: [] },
    { name: 'logs', primaryKey: ['id'] },
  ],
  foreignKeys: [
    { table: 'posts', references: 'users', onDelete: 'cascade' },
    { table: 'comments', references: 'posts', onDelete: 'cascade' },
    { table: 'tags', references: 'posts', onDelete: 'set null', onUpdate: 'cascade' },
    { table: 'employees', references: 'employees', onDelete: 'cascade' },
    { table: 'members', references: 'users', onDelete: 'restrict' },
  ],
  views: [
    { name: 'published_posts', reads: ['posts', 'users'] },
    { name: 'recent_published', reads: ['published_posts'] },
  ],
  triggers: [
    { name: 'users_audit', table: 'users', events: ['update'], writes: [{ table: 'audit', event: 'insert' }] },
    { name: 'audit_archive', table: 'audit', events: ['insert'], writes: [{ table: 'audit_archive', event: 'insert' }] },
    { name: 'dynamic', table: 'logs', events: ['insert'], writes: [], writesUnknown: true },
  ],
})

const plan = (input: PlanInput, withCatalog = true): Plan => planStatement(input, withCatalog ? { catalog } : {})
const sorted = (result: Plan) => (result.type === 'read' || result.type === 'write' ? [...result.scopes].sort() : result)
const scopes = (...list: string[]) => [...list].sort()

describe('reads', () => {
  const cases: [string, unknown[], string[]][] = [
    ['select * from "posts" where "posts"."id" = ?', [1], [rowScope('posts', 1), bulkScope('posts'), databaseScope()]],
    ['select * from posts where id in (?, ?)', [1, '2'], [rowScope('posts', 1), rowScope('posts', 2), bulkScope('posts'), databaseScope()]],
    ['select * from members where user_id = ? and org_id = ?', [7, 3], [rowScope('members', [3, 7]), bulkScope('members'), databaseScope()]],
    ['select * from posts order by id', [], [tableScope('posts'), databaseScope()]],
    ['select * from posts p join users u on u.id = p.author_id where p.id = ?', [1], [tableScope('posts'), tableScope('users'), databaseScope()]],
    ['select * from published_posts where id = ?', [1], [tableScope('posts'), tableScope('users'), databaseScope()]],
    ['select * from recent_published', [], [tableScope('posts'), tableScope('users'), databaseScope()]],
    // Values that cannot name a row safely fall back to the table.
    ['select * from posts where id = ?', [new Date(0)], [tableScope('posts'), databaseScope()]],
    ['select * from posts where id = ?', ['\uD800'], [tableScope('posts'), databaseScope()]],
    ['select * from posts where id = ?', [null], [tableScope('posts'), databaseScope()]],
    ['select * from posts where id = ?', [], [tableScope('posts'), databaseScope()]],
  ]
  for (const [sql, params, expected] of cases) {
    it(`${sql} ${JSON.stringify(params.map(String))}`, () => {
      const result = plan({ sql, params })
      expect(result.type).toBe('read')
      expect(sorted(result)).toStrictEqual(scopes(...expected))
    })
  }

  it('treats "1", 1 and 1n as the same row (SQLite affinity, PostgreSQL parameter typing)', () => {
    const read = (value: unknown) => sorted(plan({ sql: 'select * from posts where id = ?', params: [value] }))
    expect(read('1')).toStrictEqual(read(1))
    expect(read(1n)).toStrictEqual(read(1))
  })

  it('bypasses relations a complete catalog does not know, and reads of no table', () => {
    expect(plan({ sql: 'select * from mystery' })).toMatchObject({ type: 'bypass', reason: expect.stringMatching(/mystery/) })
    expect(plan({ sql: 'select now()' }).type).toBe('bypass')
    expect(plan({ sql: 'select nextval(?)', params: ['s'] }).type).toBe('bypass')
  })

  it('without a catalog, every relation is a table and there are no row scopes', () => {
    expect(sorted(plan({ sql: 'select * from mystery where id = ?', params: [1] }, false))).toStrictEqual(scopes(tableScope('mystery'), databaseScope()))
  })
})

describe('writes', () => {
  const cases: [string, unknown[], string[]][] = [
    // By key: the row and list reads; by-key reads of other rows stay. The trigger's tables change too, transitively.
    [
      'update "users" set "name" = ? where "users"."id" = ?',
      ['Ada', 1],
      [tableScope('users'), rowScope('users', 1), tableScope('audit'), bulkScope('audit'), tableScope('audit_archive'), bulkScope('audit_archive')],
    ],
    ['update posts set title = ? where id = ?', ['x', 2], [tableScope('posts'), rowScope('posts', 2), tableScope('tags'), bulkScope('tags')]],
    // A key change moves the row: every by-key read may be stale.
    ['update posts set id = ? where id = ?', [3, 2], [tableScope('posts'), bulkScope('posts'), tableScope('tags'), bulkScope('tags')]],
    // Deletes follow ON DELETE: cascade (transitively) and set null; RESTRICT changes nothing.
    [
      'delete from users where id = ?',
      [1],
      [
        tableScope('users'),
        rowScope('users', 1),
        tableScope('posts'),
        bulkScope('posts'),
        tableScope('comments'),
        bulkScope('comments'),
        tableScope('tags'),
        bulkScope('tags'),
      ],
    ],
    // A cascade that comes back to the table (self-reference) makes the write bulk.
    ['delete from employees where id = ?', [1], [tableScope('employees'), bulkScope('employees')]],
    ['delete from members where org_id = ? and user_id = ?', [1, 2], [tableScope('members'), rowScope('members', [1, 2])]],
    ['insert into posts (id, title) values (?, ?)', [9, 'x'], [tableScope('posts'), bulkScope('posts')]],
    ['update posts set views = views + 1', [], [tableScope('posts'), bulkScope('posts'), tableScope('tags'), bulkScope('tags')]],
    ['truncate posts', [], [tableScope('posts'), bulkScope('posts'), tableScope('comments'), bulkScope('comments'), tableScope('tags'), bulkScope('tags')]],
    // A write to a view writes the tables under it.
    [
      'update published_posts set title = ? where id = ?',
      ['x', 1],
      [
        tableScope('published_posts'),
        bulkScope('published_posts'),
        tableScope('posts'),
        bulkScope('posts'),
        tableScope('users'),
        bulkScope('users'),
        tableScope('audit'),
        bulkScope('audit'),
        tableScope('audit_archive'),
        bulkScope('audit_archive'),
        tableScope('tags'),
        bulkScope('tags'),
      ],
    ],
    // A trigger whose writes cannot be read, a table the catalog does not know, a statement we cannot read: everything.
    ['insert into logs (id) values (?)', [1], [tableScope('logs'), bulkScope('logs'), databaseScope()]],
    ['insert into brand_new (id) values (?)', [1], [tableScope('brand_new'), bulkScope('brand_new'), databaseScope()]],
    ['vacuum', [], [databaseScope()]],
    ["update items set name = 'a' where id = 1; select 1;", [], [databaseScope()]],
  ]
  for (const [sql, params, expected] of cases) {
    it(sql, () => {
      const result = plan({ sql, params })
      expect(result.type).toBe('write')
      expect(sorted(result)).toStrictEqual(scopes(...expected))
    })
  }

  it('DDL bumps everything and says the schema changed', () => {
    expect(plan({ sql: 'create table x (id integer primary key)' })).toStrictEqual({
      type: 'write',
      scopes: [databaseScope()],
      tables: [],
      schemaChanged: true,
    })
  })

  it('UPDATE OR REPLACE may delete other rows: bulk', () => {
    expect(sorted(plan({ sql: 'update or replace posts set title = ? where id = ?', params: ['x', 1], dialect: 'sqlite' }))).toContain(bulkScope('posts'))
  })
})

describe('a table outside the default schema, named with or without its schema', () => {
  // On PostgreSQL, `accounts` means `app.accounts` when the connection's search path starts with
  // `app`, which the cache cannot see. Both spellings must meet in a scope, whichever side uses which.
  const appCatalog = createCatalog({
    complete: true,
    tables: [
      { name: 'app.accounts', primaryKey: ['id'] },
      { name: 'accounts', primaryKey: ['id'] },
      { name: 'app.audit', primaryKey: ['id'] },
    ],
    triggers: [{ name: 'accounts_audit', table: 'app.accounts', events: ['update'], writes: [{ table: 'app.audit', event: 'insert' }] }],
  })
  const planned = (sql: string, params: unknown[] = []) => planStatement({ sql, params, dialect: 'postgres' }, { catalog: appCatalog })
  const scopesOf = (result: Plan) => (result.type === 'read' || result.type === 'write' ? result.scopes : [])

  it('a read depends on both spellings; a write bumps both', () => {
    expect(sorted(planned('select * from app.accounts'))).toStrictEqual(scopes(tableScope('app.accounts'), tableScope('accounts'), databaseScope()))
    expect(sorted(planned('select * from app.accounts where id = $1', [7]))).toStrictEqual(
      scopes(rowScope('app.accounts', 7), bulkScope('app.accounts'), rowScope('accounts', 7), bulkScope('accounts'), databaseScope()),
    )
    expect(sorted(planned('update app.accounts set owner = $1 where id = $2', ['x', 7]))).toStrictEqual(
      scopes(
        tableScope('app.accounts'),
        rowScope('app.accounts', 7),
        tableScope('accounts'),
        rowScope('accounts', 7),
        tableScope('app.audit'),
        bulkScope('app.audit'),
        tableScope('audit'),
        bulkScope('audit'),
      ),
    )
  })

  const reads = ['select * from accounts', 'select * from app.accounts', 'select * from accounts where id = 7', 'select * from "app"."accounts" where id = 7']
  const writes = [
    'update accounts set owner = 1 where id = 7',
    'update app.accounts set owner = 1 where id = 7',
    'update app.accounts set owner = 1',
    'delete from accounts',
    'insert into app.accounts values (8, 1)',
  ]
  for (const read of reads) {
    for (const write of writes) {
      it(`${write} invalidates ${read}`, () => {
        const bumped = new Set(scopesOf(planned(write)))
        expect(scopesOf(planned(read)).filter((scope) => scope !== databaseScope() && bumped.has(scope))).not.toStrictEqual([])
      })
    }
  }

  it("an unqualified name resolves through the catalog's search path, like PostgreSQL", () => {
    const onPath = createCatalog({
      complete: true,
      searchPath: ['App', 'public'],
      tables: [
        { name: 'app.accounts', primaryKey: ['uuid'] },
        { name: 'accounts', primaryKey: ['id'] },
        { name: 'logs', primaryKey: ['id'] },
      ],
    })
    expect(resolveRelation(onPath, 'accounts')).toBe('app.accounts')
    expect(resolveRelation(onPath, 'logs')).toBe('logs')
    expect(resolveRelation(onPath, 'other.accounts')).toBe('other.accounts')
    expect(resolveRelation(appCatalog, 'accounts')).toBe('accounts')
    // The key is app.accounts' (uuid), not public.accounts' (id).
    const read = planStatement({ sql: 'select * from accounts where uuid = $1', params: ['u1'], dialect: 'postgres' }, { catalog: onPath })
    expect(sorted(read)).toStrictEqual(
      scopes(rowScope('app.accounts', 'u1'), bulkScope('app.accounts'), rowScope('accounts', 'u1'), bulkScope('accounts'), databaseScope()),
    )
    const write = planOperation({ kind: 'write', writes: [{ table: 'accounts', event: 'delete', keys: [{ uuid: 'u1' }] }] }, { catalog: onPath })
    expect(sorted(write)).toStrictEqual(scopes(tableScope('app.accounts'), rowScope('app.accounts', 'u1'), tableScope('accounts'), rowScope('accounts', 'u1')))
    // A catalog without a search path (SQLite, declared facts) plans names as written.
    expect(createCatalog({ tables: [{ name: 'x', primaryKey: [] }] }).searchPath).toStrictEqual([])
  })

  it('a by-key write leaves other rows cached under both spellings', () => {
    const bumped = new Set(scopesOf(planned('update app.accounts set owner = $1 where id = $2', [1, 7])))
    for (const read of ['select * from accounts where id = $1', 'select * from app.accounts where id = $1']) {
      expect(scopesOf(planned(read, [8])).filter((scope) => bumped.has(scope))).toStrictEqual([])
    }
  })
})

describe('transaction control and harmless statements', () => {
  it('plans them without scopes', () => {
    expect(plan({ sql: 'begin' })).toStrictEqual({ type: 'transaction', control: 'begin' })
    expect(plan({ sql: 'rollback to savepoint a' })).toStrictEqual({
      type: 'transaction',
      control: 'savepoint',
      savepoint: { action: 'rollback-to', name: 'a' },
    })
    expect(plan({ sql: 'set search_path to app', dialect: 'postgres' }).type).toBe('bypass')
  })
})

describe('structured descriptions plan like SQL', () => {
  it('a read by key (Prisma findUnique, Kysely where id =)', () => {
    const structured = plan({ operation: { kind: 'read', reads: ['Posts'], readKeys: [{ id: 1 }] } })
    expect(sorted(structured)).toStrictEqual(sorted(plan({ sql: 'select * from posts where id = ?', params: [1] })))
  })

  it('a write of rows by key, and a nested write of another table', () => {
    const structured = plan({
      operation: {
        kind: 'write',
        writes: [
          { table: 'users', event: 'update', keys: [{ id: 1 }] },
          { table: 'posts', event: 'insert' },
        ],
      },
    })
    expect(sorted(structured)).toStrictEqual(
      scopes(
        tableScope('users'),
        rowScope('users', 1),
        tableScope('audit'),
        bulkScope('audit'),
        tableScope('audit_archive'),
        bulkScope('audit_archive'),
        tableScope('posts'),
        bulkScope('posts'),
      ),
    )
  })

  it('a key change, a composite key given as a record, an unknown statement', () => {
    const changed = plan({ operation: { kind: 'write', writes: [{ table: 'posts', event: 'update', keys: [{ id: 1 }], keyChanged: true }] } })
    expect(sorted(changed)).toContain(bulkScope('posts'))
    const composite = plan({ operation: { kind: 'read', reads: ['members'], readKeys: [{ user_id: 2, org_id: 1 }] } })
    expect(sorted(composite)).toContain(rowScope('members', [1, 2]))
    expect(plan({ operation: { kind: 'unknown' } })).toMatchObject({ type: 'write', scopes: [databaseScope()] })
  })
})

describe('writes described with their rows', () => {
  const write = (writes: OperationDescription['writes']) => planOperation({ kind: 'write', writes }, { catalog })
  it('an insert or upsert of known keys bumps those rows, not every by-key read', () => {
    expect(write([{ table: 'comments', event: 'insert', keys: [{ id: 5 }] }])).toStrictEqual({
      type: 'write',
      scopes: [rowScope('comments', 5), tableScope('comments')].sort(),
      tables: ['comments'],
      schemaChanged: false,
    })
    const upsert = write([
      { table: 'comments', event: 'insert', keys: [{ id: 5 }] },
      { table: 'comments', event: 'update', keys: [{ id: 5 }] },
    ])
    expect(upsert.type === 'write' && upsert.scopes).toStrictEqual([rowScope('comments', 5), tableScope('comments')].sort())
  })
  it('bulk when any write to the table has no keys, moves a key, or truncates', () => {
    for (const writes of [
      [{ table: 'comments', event: 'insert' as const }],
      [
        { table: 'comments', event: 'insert' as const, keys: [{ id: 5 }] },
        { table: 'comments', event: 'update' as const },
      ],
      [{ table: 'comments', event: 'update' as const, keys: [{ id: 5 }], keyChanged: true }],
      [{ table: 'comments', event: 'truncate' as const, keys: [{ id: 5 }] }],
    ]) {
      const planned = write(writes)
      expect(planned.type === 'write' && planned.scopes, JSON.stringify(writes)).toContain(bulkScope('comments'))
    }
  })
})

describe('planOperation (descriptions only, no SQL reader)', () => {
  it('plans exactly like planStatement({ operation })', () => {
    const operations: OperationDescription[] = [
      { kind: 'read', reads: ['Posts'], readKeys: [{ id: 1 }] },
      { kind: 'read', reads: ['published_posts'] },
      { kind: 'write', writes: [{ table: 'users', event: 'delete', keys: [{ id: 1 }] }] },
      { kind: 'write', ddl: true },
      { kind: 'transaction', control: 'commit' },
      { kind: 'harmless' },
      { kind: 'unknown' },
    ]
    for (const operation of operations) expect(planOperation(operation, { catalog })).toStrictEqual(planStatement({ operation }, { catalog }))
    expect(planOperation({ kind: 'read', reads: ['users'], readKeys: [{ id: 7 }] }, { catalog })).toStrictEqual({
      type: 'read',
      scopes: [rowScope('users', 7), bulkScope('users'), databaseScope()].sort(),
    })
  })
})

describe('hostile input: planning never throws', () => {
  const statements = [
    'select * from "\uD800" where "\uD800"."id" = ?',
    'update "\uDC00x" set a = 1 where id = ?',
    `select * from "${'long'.repeat(500)}" where id = ?`,
    'delete from posts where id = ?',
    'select * from posts where id in (' + '?, '.repeat(2000) + '?)',
    "select * from posts where id = ? -- '",
    '',
  ]
  const values = ['\uD800', '\uDFFF\uD800', 'x'.repeat(100_000), Symbol('s'), { toString: () => '1' }, Number.NaN, -0, 2n ** 70n, undefined]
  for (const sql of statements) {
    it(JSON.stringify(sql.slice(0, 50)), () => {
      for (const value of values) {
        for (const context of [{ catalog }, {}]) {
          const result = planStatement({ sql, params: [value, value] }, context)
          expect(['read', 'write', 'bypass', 'transaction']).toContain(result.type)
        }
      }
    })
  }
})

describe('statements that change no data, and reads whose result changes without a write', () => {
  it.each([
    ['select *, random() from posts', 'sqlite'],
    ["select * from posts where created_at > now() - interval '1 day'", 'postgres'],
    ['select * from posts where created_at > current_timestamp', 'postgres'],
    ["select * from posts where published_at < datetime('now')", 'sqlite'],
    ["select * from posts where day = date('NOW')", 'sqlite'],
    ['select id, gen_random_uuid() from users', 'postgres'],
  ] as const)('%s is not cached', (sql, dialect) => {
    expect(plan({ sql, dialect })).toMatchObject({ type: 'bypass', reason: expect.stringMatching(/changes without a write/) })
  })

  it.each([
    'select * from posts where id = 1 for update',
    'select * from posts for no key update skip locked',
    'select * from posts for share',
    'select * from posts for key share',
  ])('%s (a locking read) is not cached', (sql) => {
    expect(plan({ sql, dialect: 'postgres' })).toMatchObject({ type: 'bypass', reason: expect.stringMatching(/locks the rows/) })
    expect(planOperation({ kind: 'read', reads: ['posts'], locking: true }, { catalog })).toMatchObject({ type: 'bypass' })
  })

  it('an ordinary read mentioning "update" or "share" in names or strings is still cached', () => {
    expect(plan({ sql: "select * from posts where title = 'for update' and share = 1", dialect: 'postgres' }).type).toBe('read')
  })

  it.each(['pragma foreign_keys = on', 'PRAGMA journal_mode = WAL', 'pragma user_version = 7', 'PRAGMA table_info(posts)'])(
    '%s changes no rows: not a write of the whole database',
    (sql) => {
      expect(plan({ sql, dialect: 'sqlite' }).type).toBe('bypass')
    },
  )

  it('pragma writable_schema opens the schema to direct edits: the safe side', () => {
    expect(plan({ sql: 'pragma writable_schema = on', dialect: 'sqlite' })).toMatchObject({ type: 'write', scopes: [databaseScope()] })
  })

  it('a column or string that merely contains those words is still cached', () => {
    expect(plan({ sql: "select now_playing, random_id from posts where title = 'now is the time'", dialect: 'sqlite' }).type).toBe('read')
  })
})
