import { bulkScope, databaseScope, tableScope } from '@kvcache/core/internal'
import { describe, expect, it } from 'vitest'
import { planStatement, type Plan } from '../../src/plan'
import { schemaFacts } from '../../src/schema-facts'
import { compilerOnly, KYSELY_VERSIONS } from './versions'

const noFacts = schemaFacts(undefined)
const readOf = (...tables: string[]): Plan => ({ type: 'read', scopes: [...tables.map(tableScope), databaseScope()] })
const writeOf = (...tables: string[]) => ({
  type: 'write',
  target: { scopes: tables.flatMap((table) => [tableScope(table), bulkScope(table)]) },
  schemaChange: false,
})
const WHOLE_DATABASE = { type: 'write', target: { scopes: [databaseScope()] }, schemaChange: false }

describe.each(KYSELY_VERSIONS)('planning a statement (Kysely $version)', ({ kysely }) => {
  const db = compilerOnly(kysely, 'sqlite')
  const { sql, CompiledQuery } = kysely as typeof import('kysely')
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const plan = (query: any, facts = noFacts) => planStatement('compile' in query ? query.compile() : query, facts)

  it('a read depends on every table it reads and on the whole database', () => {
    expect(plan(db.selectFrom('posts').innerJoin('users', 'users.id', 'posts.author_id').selectAll())).toStrictEqual(readOf('posts', 'users'))
  })

  it('names are lower-cased and schemas dropped, so every spelling of a table shares its scopes', () => {
    expect(plan(db.selectFrom('main.Posts').selectAll())).toStrictEqual(readOf('posts'))
    expect(plan(db.withSchema('main').updateTable('POSTS').set({ title: 'x' }))).toStrictEqual(writeOf('posts'))
  })

  it('a declared view stands for the tables it reads', () => {
    const facts = schemaFacts({ views: { published: ['posts', 'users'] } })
    expect(plan(db.selectFrom('published').selectAll(), facts)).toStrictEqual(readOf('posts', 'users'))
  })

  it('a write also touches what it cascades to, transitively', () => {
    const facts = schemaFacts({ writesAlso: { users: ['posts'], posts: ['comments'] } })
    expect(plan(db.deleteFrom('users').where('id', '=', 1), facts)).toStrictEqual(writeOf('users', 'posts', 'comments'))
  })

  it('reads that must come from the database bypass the cache', () => {
    expect(plan(db.selectFrom('posts').selectAll().forUpdate())).toMatchObject({ type: 'bypass', reason: 'locking read' })
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(plan(db.selectNoFrom((eb: any) => eb.val(1).as('one')))).toMatchObject({ type: 'bypass', reason: 'reads no table' })
    expect(plan(db.selectFrom('posts').select(sql`random()`.as('r')))).toMatchObject({ type: 'bypass', reason: 'calls random()' })
  })

  it('a raw fragment that names relations bypasses; one that interpolates a builder subquery does not', () => {
    const hidden = db.selectFrom('posts').selectAll().where(sql<boolean>`exists (select 1 from secrets)`)
    expect(plan(hidden)).toMatchObject({ type: 'bypass' })
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const helper = db.selectFrom('users').select((eb: any) => sql`(select json_group_array(x.id) from ${eb.selectFrom('posts').select('id').as('x')})`.as('ids'))
    expect(plan(helper)).toStrictEqual(readOf('users', 'posts'))
  })

  it('a raw fragment that may write turns the statement into a write', () => {
    const sneaky = db.selectFrom('posts').selectAll().where(sql<boolean>`(delete from users) is null`)
    expect(plan(sneaky)).toStrictEqual(WHOLE_DATABASE)
  })

  it('raw statements: transaction control, harmless settings, reads bypass, writes invalidate everything', () => {
    expect(plan(CompiledQuery.raw('begin'))).toStrictEqual({ type: 'transaction', control: { type: 'begin' } })
    expect(plan(CompiledQuery.raw('SAVEPOINT "sp 1"'))).toStrictEqual({ type: 'transaction', control: { type: 'savepoint', name: 'sp 1' } })
    expect(plan(CompiledQuery.raw('rollback to savepoint sp1'))).toStrictEqual({ type: 'transaction', control: { type: 'rollback-to', name: 'sp1' } })
    expect(plan(CompiledQuery.raw('pragma foreign_keys = on'))).toMatchObject({ type: 'bypass' })
    expect(plan(CompiledQuery.raw('select * from posts'))).toMatchObject({ type: 'bypass' })
    expect(plan(CompiledQuery.raw("update posts set title = 'from'"))).toStrictEqual(WHOLE_DATABASE)
  })

  it('DDL invalidates everything and says the schema changed', () => {
    expect(plan(db.schema.dropTable('posts'))).toStrictEqual({ ...WHOLE_DATABASE, schemaChange: true })
  })

  it('an unknown node kind: a read bypasses, a write invalidates everything', () => {
    const read = db.selectFrom('posts').selectAll().compile()
    const strange = { ...read, query: { ...read.query, where: { kind: 'WhereNode', where: { kind: 'QuantumNode' } } } }
    expect(planStatement(strange, noFacts)).toMatchObject({ type: 'bypass', reason: 'unknown operation node kinds: QuantumNode' })
    const write = db.deleteFrom('posts').compile()
    expect(planStatement({ ...write, query: { ...write.query, where: { kind: 'QuantumNode' } } }, noFacts)).toStrictEqual(WHOLE_DATABASE)
  })
})
