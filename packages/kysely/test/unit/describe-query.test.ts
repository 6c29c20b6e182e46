import { changeScopes, dependencyScopes, type Change, type Dependency } from '@kvcache/core/binding'
import { createCatalog, planStatement, type Catalog } from '@kvcache/core/sql'
import { describe, expect, it } from 'vitest'
import { describeQuery, plannableQuery } from '../../src/describe-query'
import { compilerOnly, KYSELY_VERSIONS } from './versions'

const catalog = createCatalog({
  tables: [
    { name: 'users', primaryKey: ['id'] },
    { name: 'posts', primaryKey: ['id'] },
    { name: 'comments', primaryKey: ['id'] },
    { name: 'post_tags', primaryKey: ['post_id', 'tag_id'] },
  ],
  foreignKeys: [
    { table: 'posts', references: 'users', onDelete: 'cascade' },
    { table: 'comments', references: 'posts', onDelete: 'cascade' },
  ],
  views: [{ name: 'published', reads: ['posts', 'users'] }],
  complete: true,
})
const table = (name: string): Dependency & Change => ({ kind: 'table', table: name })
const rows = (name: string, ...values: unknown[][]): Dependency & Change => ({ kind: 'rows', table: name, rows: values.map((key) => ({ values: key })) })
const reads = (...dependencies: Dependency[]) => ({ type: 'read', scopes: dependencyScopes(dependencies) })
const sorted = (plan: object) => [...((plan as { scopes?: readonly string[] }).scopes ?? [])].sort()

describe.each(KYSELY_VERSIONS)('describing a compiled query for the core planner (Kysely $version)', ({ kysely }) => {
  const db = compilerOnly(kysely, 'sqlite')
  const { sql, CompiledQuery } = kysely as typeof import('kysely')
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const plan = (query: any, known: Catalog | undefined = catalog) => {
    const described = describeQuery('compile' in query ? query.compile() : query, 'sqlite')
    return planStatement(described.input, known ? { catalog: known } : {})
  }

  it('a read depends on every table it reads (a view on the tables it reads)', () => {
    expect(plan(db.selectFrom('posts').innerJoin('users', 'users.id', 'posts.author_id').selectAll())).toStrictEqual(reads(table('posts'), table('users')))
    expect(plan(db.selectFrom('published').selectAll())).toStrictEqual(reads(table('posts'), table('users')))
  })

  it('a read of one table by primary key depends on its rows, from the where nodes', () => {
    expect(plan(db.selectFrom('posts').selectAll().where('id', 'in', [1, 2]))).toStrictEqual(reads(rows('posts', [1], [2])))
    expect(plan(db.selectFrom('posts as p').select('title').where('p.id', '=', 1).where('title', '=', 'x'))).toStrictEqual(reads(rows('posts', [1])))
    const composite = db.selectFrom('post_tags').selectAll().where('post_id', '=', 1).where('tag_id', '=', 2)
    expect(plan(composite)).toStrictEqual(reads(rows('post_tags', [1, 2])))
  })

  it('a where that does not name the rows of one table read directly plans the table', () => {
    // A CTE or a derived table may rename columns; a subquery reading the same table reads other rows.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const cte = db
      .with('p', (qb: any) => qb.selectFrom('posts').select('author_id as id'))
      .selectFrom('p')
      .selectAll()
      .where('id', '=', 1)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const derived = db
      .selectFrom((eb: any) => eb.selectFrom('posts').select('author_id as id').as('p'))
      .selectAll()
      .where('id', '=', 1)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const sameTable = db
      .selectFrom('posts')
      .selectAll()
      .where('id', '=', 1)
      .where('author_id', 'in', (eb: any) => eb.selectFrom('posts').select('author_id').where('id', '=', 2))
    for (const query of [cte, derived, sameTable]) expect(plan(query)).toStrictEqual(reads(table('posts')))
  })

  it('an update by primary key is precise; one that moves the key, or names rows of another table, is not', () => {
    expect(plan(db.updateTable('posts').set({ title: 'x' }).where('id', '=', 1))).toMatchObject({ type: 'write', scopes: changeScopes([rows('posts', [1])]) })
    expect(plan(db.updateTable('posts').set({ id: 9 }).where('id', '=', 1))).toMatchObject({ type: 'write', scopes: changeScopes([table('posts')]) })
    const joined = db.updateTable('posts').from('users').set({ title: 'x' }).where('users.id', '=', 1)
    expect(plan(joined)).toMatchObject({ type: 'write', scopes: changeScopes([table('posts')]) })
  })

  it('a delete reaches what its foreign keys cascade to, transitively', () => {
    expect(sorted(plan(db.deleteFrom('users').where('id', '=', 1)))).toEqual(expect.arrayContaining(changeScopes([table('posts'), table('comments')])))
  })

  it('names are canonical and default schemas dropped; other schemas also bump the bare name', () => {
    expect(plan(db.selectFrom('main.Posts').selectAll(), undefined)).toStrictEqual(reads(table('posts')))
    expect(sorted(plan(db.withSchema('tenant').updateTable('posts').set({ title: 'x' }), undefined))).toEqual(
      expect.arrayContaining(changeScopes([table('tenant.posts')])),
    )
  })

  it('raw fragments are read by the core reader: a locking clause, and relations after an interpolated subquery', () => {
    expect(
      plan(
        db
          .selectFrom('posts')
          .selectAll()
          .modifyEnd(sql`for update`),
      ),
    ).toMatchObject({ type: 'bypass', reason: expect.stringMatching(/locks the rows/) })
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const hidden = db.selectFrom('users').select(sql`(select count(*) from ${db.selectFrom('posts').select('id')} as p, comments)`.as('n') as any)
    expect(plan(hidden)).toStrictEqual(reads(table('users'), table('posts'), table('comments')))
  })

  it('reads that must come from the database bypass the cache', () => {
    expect(plan(db.selectFrom('posts').selectAll().forUpdate())).toMatchObject({ type: 'bypass', reason: expect.stringMatching(/locks the rows/) })
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(plan(db.selectNoFrom((eb: any) => eb.val(1).as('one')))).toMatchObject({ type: 'bypass' })
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(plan(db.selectFrom('posts').select((eb: any) => eb.fn('random', []).as('r')))).toMatchObject({ type: 'bypass' })
    expect(plan(db.selectFrom('nowhere').selectAll())).toMatchObject({ type: 'bypass' })
  })

  it('volatile raw fragments are read by the core reader: the read is not cached, the same read without them is', () => {
    for (const volatile of [sql`datetime('now')`, sql`random()`, sql`current_timestamp`, sql`strftime('%s','now')`, sql`now()`]) {
      expect(plan(db.selectFrom('posts').select(['title', volatile.as('v')]))).toMatchObject({ type: 'bypass', reason: expect.stringContaining('function') })
    }
    expect(plan(db.selectFrom('posts').select(['title', sql`upper(title)`.as('v')]))).toStrictEqual(reads(table('posts')))
  })

  it('raw fragments that name tables add them to the read; builder subqueries inside them come from the tree', () => {
    const hidden = db
      .selectFrom('posts')
      .selectAll()
      .where(sql<boolean>`exists (select 1 from comments)`)
    expect(plan(hidden)).toStrictEqual(reads(table('posts'), table('comments')))
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const helper = db
      .selectFrom('users')
      .select((eb: any) => sql`(select json_group_array(x.id) from ${eb.selectFrom('posts').select('id').as('x')})`.as('ids'))
    expect(plan(helper)).toStrictEqual(reads(table('users'), table('posts')))
    // A by-key read with a fragment naming another table depends on that table too.
    expect(
      plan(
        db
          .selectFrom('posts')
          .selectAll()
          .where('id', '=', 1)
          .where(sql<boolean>`exists (select 1 from comments)`),
      ),
    ).toStrictEqual(reads(table('posts'), table('comments')))
  })

  it('a raw fragment that writes makes the whole statement text the planner input: a write of what it writes', () => {
    const sneaky = db
      .selectFrom('posts')
      .selectAll()
      .where(sql<boolean>`(delete from users) is null`)
    expect(describeQuery(sneaky.compile(), 'sqlite')).toMatchObject({ input: { sql: sneaky.compile().sql } })
    expect(plan(sneaky)).toMatchObject({ type: 'write', scopes: expect.arrayContaining(changeScopes([table('users')])) })
  })

  it('raw statements: transaction control with savepoint names, harmless settings, reads and writes from the text', () => {
    expect(plan(CompiledQuery.raw('begin'))).toStrictEqual({ type: 'transaction', control: 'begin' })
    expect(plan(CompiledQuery.raw('end work'))).toStrictEqual({ type: 'transaction', control: 'commit' })
    expect(plan(CompiledQuery.raw('SAVEPOINT "sp 1"'))).toStrictEqual({ type: 'transaction', control: 'savepoint', savepoint: { action: 'set', name: 'sp 1' } })
    expect(plan(CompiledQuery.raw('rollback to savepoint SP1'))).toStrictEqual({
      type: 'transaction',
      control: 'savepoint',
      savepoint: { action: 'rollback-to', name: 'sp1' },
    })
    expect(plan(CompiledQuery.raw('release savepoint sp1'))).toStrictEqual({
      type: 'transaction',
      control: 'savepoint',
      savepoint: { action: 'release', name: 'sp1' },
    })
    // Two-phase commit: the prepared transaction commits later, from anywhere: take the safe side now.
    expect(plan(CompiledQuery.raw("commit prepared 'tx'"))).toMatchObject({ type: 'write', scopes: changeScopes([{ kind: 'database' }]) })
    expect(plan(CompiledQuery.raw('set statement_timeout = 1000'))).toMatchObject({ type: 'bypass' })
    expect(plan(CompiledQuery.raw('select * from posts where id = ?', [3]))).toStrictEqual(reads(rows('posts', [3])))
    expect(plan(CompiledQuery.raw("update posts set title = 'from' where id = ?", [3]))).toMatchObject({
      type: 'write',
      scopes: changeScopes([rows('posts', [3])]),
    })
    expect(plan(CompiledQuery.raw('select nextval(?)', ['s']))).toMatchObject({ type: 'bypass' })
  })

  it('planned through the memo, one text walks its tree once and each call plans its own rows', () => {
    // A catalog of its own: the memo is per catalog, so earlier tests' plans are not in it.
    const own = createCatalog({ tables: [{ name: 'posts', primaryKey: ['id'] }], complete: true })
    let walks = 0
    const memoised = (id: number) => {
      const input = plannableQuery(db.selectFrom('posts').selectAll().where('id', '=', id).compile(), 'sqlite', () => undefined)
      return planStatement({ ...input, describe: () => (walks++, input.describe()) }, { catalog: own })
    }
    expect(memoised(1)).toStrictEqual(reads(rows('posts', [1])))
    expect(memoised(2)).toStrictEqual(reads(rows('posts', [2])))
    expect(memoised(3)).toStrictEqual(reads(rows('posts', [3])))
    expect(walks).toBe(1)
    const update = (id: number) =>
      planStatement(
        plannableQuery(db.updateTable('posts').set({ id: 9 }).where('id', '=', id).compile(), 'sqlite', () => undefined),
        { catalog: own },
      )
    // Assigning the pinned key column moves the row: the table is planned in bulk, on every call.
    expect(update(1)).toMatchObject({ type: 'write', scopes: changeScopes([table('posts')]) })
    expect(update(2)).toMatchObject({ type: 'write', scopes: changeScopes([table('posts')]) })
  })

  it('a tree with unknown kinds is reported when its text is first planned with a catalog', () => {
    const own = createCatalog({ tables: [{ name: 'posts', primaryKey: ['id'] }], complete: true })
    const read = db.selectFrom('posts').select('title').compile()
    const strange = { ...read, query: { ...read.query, where: { kind: 'WhereNode', where: { kind: 'QuantumNode' } } } }
    const told: (readonly string[])[] = []
    const planned = planStatement(
      plannableQuery(strange, 'sqlite', (kinds) => told.push(kinds)),
      { catalog: own },
    )
    expect(planned).toStrictEqual(reads(table('posts')))
    expect(told).toStrictEqual([['QuantumNode']])
  })

  it('DDL invalidates everything and says the schema changed', () => {
    expect(plan(db.schema.dropTable('posts'))).toMatchObject({ type: 'write', scopes: changeScopes([{ kind: 'database' }]), schemaChanged: true })
  })

  it('a tree with a node kind this binding has never seen is planned from its SQL text, and says so', () => {
    const read = db.selectFrom('posts').selectAll().compile()
    const strange = { ...read, query: { ...read.query, where: { kind: 'WhereNode', where: { kind: 'QuantumNode' } } } }
    expect(describeQuery(strange, 'sqlite')).toStrictEqual({
      input: { sql: read.sql, params: read.parameters, dialect: 'sqlite' },
      unknownKinds: ['QuantumNode'],
    })
    const write = db.deleteFrom('comments').compile()
    expect(plan({ ...write, query: { ...write.query, where: { kind: 'QuantumNode' } } })).toMatchObject({
      type: 'write',
      scopes: changeScopes([table('comments')]),
    })
  })
})
