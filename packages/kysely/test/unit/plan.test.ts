import { bulkScope, databaseScope, rowScope, tableScope } from '@kvcache/core/internal'
import { createCatalog } from '@kvcache/core/sql'
import { describe, expect, it } from 'vitest'
import { planStatement, type PlanContext } from '../../src/plan'
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
const withCatalog: PlanContext = { catalog, dialect: 'sqlite' }
const noCatalog: PlanContext = { catalog: undefined, dialect: 'sqlite' }
const sorted = (plan: object) => [...((plan as { scopes?: readonly string[] }).scopes ?? [])].sort()

describe.each(KYSELY_VERSIONS)('planning a statement (Kysely $version)', ({ kysely }) => {
  const db = compilerOnly(kysely, 'sqlite')
  const { sql, CompiledQuery } = kysely as typeof import('kysely')
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const plan = (query: any, context = withCatalog) => planStatement('compile' in query ? query.compile() : query, context)

  it('a read depends on every table it reads (a view on the tables it reads) and on the whole database', () => {
    expect(sorted(plan(db.selectFrom('posts').innerJoin('users', 'users.id', 'posts.author_id').selectAll()))).toStrictEqual(
      [tableScope('posts'), tableScope('users'), databaseScope()].sort(),
    )
    expect(sorted(plan(db.selectFrom('published').selectAll()))).toStrictEqual([tableScope('posts'), tableScope('users'), databaseScope()].sort())
  })

  it('a read of one table by primary key depends on its rows, from the where nodes', () => {
    expect(sorted(plan(db.selectFrom('posts').selectAll().where('id', 'in', [1, 2])))).toStrictEqual(
      [rowScope('posts', 1), rowScope('posts', 2), bulkScope('posts'), databaseScope()].sort(),
    )
    const composite = db.selectFrom('post_tags').selectAll().where('post_id', '=', 1).where('tag_id', '=', 2)
    expect(plan(composite)).toMatchObject({ type: 'read', scopes: expect.arrayContaining([rowScope('post_tags', [1, 2])]) })
  })

  it('an update by primary key is precise; one that moves the key is not', () => {
    expect(sorted(plan(db.updateTable('posts').set({ title: 'x' }).where('id', '=', 1)))).toStrictEqual([tableScope('posts'), rowScope('posts', 1)].sort())
    expect(sorted(plan(db.updateTable('posts').set({ id: 9 }).where('id', '=', 1)))).toContain(bulkScope('posts'))
  })

  it('a delete reaches what its foreign keys cascade to, transitively', () => {
    const scopes = sorted(plan(db.deleteFrom('users').where('id', '=', 1)))
    expect(scopes).toEqual(expect.arrayContaining([tableScope('users'), tableScope('posts'), tableScope('comments')]))
  })

  it('names are lower-cased and default schemas dropped; other schemas also bump the bare name', () => {
    expect(sorted(plan(db.selectFrom('main.Posts').selectAll(), noCatalog))).toStrictEqual([tableScope('posts'), databaseScope()].sort())
    expect(sorted(plan(db.withSchema('tenant').updateTable('posts').set({ title: 'x' }), noCatalog))).toEqual(
      expect.arrayContaining([tableScope('tenant.posts'), tableScope('posts')]),
    )
  })

  it('reads that must come from the database bypass the cache', () => {
    expect(plan(db.selectFrom('posts').selectAll().forUpdate())).toMatchObject({ type: 'bypass', reason: 'locking read' })
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(plan(db.selectNoFrom((eb: any) => eb.val(1).as('one')))).toMatchObject({ type: 'bypass' })
    expect(plan(db.selectFrom('posts').select(sql`random()`.as('r')))).toMatchObject({ type: 'bypass', reason: 'calls random()' })
    expect(plan(db.selectFrom('nowhere').selectAll())).toMatchObject({ type: 'bypass' })
  })

  it('raw fragments that name tables are read as SQL text; builder subqueries inside them come from the tree', () => {
    const hidden = db.selectFrom('posts').selectAll().where(sql<boolean>`exists (select 1 from comments)`)
    expect(sorted(plan(hidden))).toStrictEqual([tableScope('posts'), tableScope('comments'), databaseScope()].sort())
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const helper = db.selectFrom('users').select((eb: any) => sql`(select json_group_array(x.id) from ${eb.selectFrom('posts').select('id').as('x')})`.as('ids'))
    expect(sorted(plan(helper))).toStrictEqual([tableScope('users'), tableScope('posts'), databaseScope()].sort())
  })

  it('a raw fragment that writes makes the statement a write of what it writes', () => {
    const sneaky = db.selectFrom('posts').selectAll().where(sql<boolean>`(delete from users) is null`)
    expect(plan(sneaky)).toMatchObject({ type: 'write' })
  })

  it('raw statements: transaction control with savepoint names, harmless settings, reads and writes from the text', () => {
    expect(plan(CompiledQuery.raw('begin'))).toStrictEqual({ type: 'transaction', control: 'begin' })
    expect(plan(CompiledQuery.raw('end work'))).toStrictEqual({ type: 'transaction', control: 'commit' })
    expect(plan(CompiledQuery.raw('SAVEPOINT "sp 1"'))).toStrictEqual({ type: 'transaction', control: 'savepoint', savepoint: { action: 'set', name: 'sp 1' } })
    expect(plan(CompiledQuery.raw('rollback to savepoint SP1'))).toStrictEqual({ type: 'transaction', control: 'savepoint', savepoint: { action: 'rollback-to', name: 'sp1' } })
    expect(plan(CompiledQuery.raw('release savepoint sp1'))).toStrictEqual({ type: 'transaction', control: 'savepoint', savepoint: { action: 'release', name: 'sp1' } })
    // Two-phase commit: the prepared transaction commits later, from anywhere: take the safe side now.
    expect(plan(CompiledQuery.raw("commit prepared 'tx'"))).toStrictEqual({ type: 'write', scopes: [databaseScope()], schemaChanged: false })
    expect(plan(CompiledQuery.raw('set statement_timeout = 1000'))).toMatchObject({ type: 'bypass' })
    expect(sorted(plan(CompiledQuery.raw('select * from posts where id = ?', [3])))).toStrictEqual([rowScope('posts', 3), bulkScope('posts'), databaseScope()].sort())
    expect(sorted(plan(CompiledQuery.raw("update posts set title = 'from' where id = ?", [3])))).toStrictEqual([tableScope('posts'), rowScope('posts', 3)].sort())
    expect(plan(CompiledQuery.raw('select nextval(?)', ['s']))).toMatchObject({ type: 'bypass' })
  })

  it('DDL invalidates everything and says the schema changed', () => {
    expect(plan(db.schema.dropTable('posts'))).toStrictEqual({ type: 'write', scopes: [databaseScope()], schemaChanged: true })
  })

  it('an unknown node kind: a read bypasses, a write invalidates everything', () => {
    const read = db.selectFrom('posts').selectAll().compile()
    const strange = { ...read, query: { ...read.query, where: { kind: 'WhereNode', where: { kind: 'QuantumNode' } } } }
    expect(planStatement(strange, withCatalog)).toMatchObject({ type: 'bypass', reason: 'unknown operation node kinds: QuantumNode' })
    const write = db.deleteFrom('posts').compile()
    expect(planStatement({ ...write, query: { ...write.query, where: { kind: 'QuantumNode' } } }, withCatalog)).toStrictEqual({
      type: 'write',
      scopes: [databaseScope()],
      schemaChanged: false,
    })
  })
})
