import { changeScopes, dependencyScopes } from '@kvcache/core/binding'
import { planOperation } from '@kvcache/core/sql'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createGraph } from '../../src/graph'
import { whereRow } from '../../src/keys'
import { modelCatalog } from '../../src/model-catalog'
import { graphFromRuntime } from '../../src/models'
import { uniqueKeyTables } from '../../src/raw'
import { readDependencies } from '../../src/reads'
import { describeWrite, type WriteOperation } from '../../src/writes'
import { PrismaClient } from '../.generated/pg/client/client.ts'
import { models } from '../.generated/pg/kvcache/models.js'

// The client's runtime data model gives field types (constructing a client does not connect).
const runtime = (new PrismaClient({ adapter: new PrismaPg(new pg.Pool()) }) as unknown as { _runtimeDataModel: NonNullable<Parameters<typeof createGraph>[1]> })
  ._runtimeDataModel
const graph = createGraph(models, runtime, undefined)
const catalog = modelCatalog(graph)

function model(name: string) {
  const found = models.models[name]
  if (!found) throw new Error(`no model ${name}`)
  return found
}

/** What a model write bumps, planned by the core planner with the model catalog. */
function bumps(name: string, operation: WriteOperation, args: Record<string, unknown>, result: unknown): string[] {
  const write = describeWrite(graph, name, operation, args, result)
  const plan = planOperation(write.operation, { catalog })
  return [...(plan.type === 'write' ? plan.scopes : []), ...changeScopes(write.uniqueKeys)].sort()
}

describe('the generated model graph', () => {
  it('has tables, keys, relations with both sides, actions and join tables', () => {
    expect(models.provider).toBe('postgresql')
    expect(model('User')).toMatchObject({ table: 'users', primaryKey: { name: 'id', fields: ['id'] }, uniques: [{ name: 'email', fields: ['email'] }] })
    expect(model('Membership')).toMatchObject({
      primaryKey: { name: 'orgId_userId', fields: ['orgId', 'userId'] },
      uniques: [{ name: 'byRole', fields: ['userId', 'role'] }],
    })
    expect(model('Post').relations.author).toMatchObject({
      model: 'User',
      inverse: 'posts',
      fields: ['authorId'],
      references: ['id'],
      onDelete: 'SetNull',
      onUpdate: 'Cascade',
    })
    expect(model('User').relations.posts).toMatchObject({ model: 'Post', list: true, inverse: 'author', fields: [], onDelete: null })
    expect(model('Profile').relations.user?.onDelete).toBe('Cascade')
    expect(model('Post').relations.tags?.joinTable).toBe('_PostToTag')
  })
  it('becomes a core catalog: primary keys with key types from Prisma types, foreign keys with actions, join tables', () => {
    expect(catalog.tables.get('users')).toEqual({ name: 'users', primaryKey: ['id'], keyTypes: ['integer'] })
    expect(catalog.tables.get('item')).toEqual({ name: 'item', primaryKey: ['code'], keyTypes: ['unknown'] })
    expect(catalog.tables.get('membership')?.keyTypes).toEqual(['integer', 'integer'])
    expect(catalog.foreignKeys).toContainEqual({ table: 'post', references: 'users', onDelete: 'set null', onUpdate: 'cascade' })
    expect(catalog.foreignKeys).toContainEqual({ table: 'profile', references: 'users', onDelete: 'cascade', onUpdate: 'cascade' })
    expect(catalog.foreignKeys).toContainEqual({ table: '_posttotag', references: 'tag', onDelete: 'cascade', onUpdate: 'cascade' })
    expect(catalog.complete).toBe(false)
  })
  it("puts tables in the PostgreSQL adapter's schema", () => {
    expect(createGraph(models, runtime, 'App').table('User')).toBe('app.users')
    expect(createGraph(models, runtime, 'App').joinTable('Post', model('Post').relations.tags!)).toBe('app._posttotag')
  })
})

describe('reads', () => {
  it('a lookup by id depends on its row (typed by Prisma) and bulk changes, relations on their tables', () => {
    const deps = readDependencies(
      graph,
      'User',
      'findUnique',
      { where: { id: 7 }, include: { posts: { where: { tags: { some: { name: 'x' } } } } } },
      undefined,
    )
    expect(deps).toEqual([
      { kind: 'rows', table: 'users', rows: [{ values: [7], types: ['integer'] }] },
      { kind: 'table', table: 'post' },
      { kind: 'table', table: 'tag' },
      { kind: 'table', table: '_posttotag' },
    ])
  })
  it('a text key looking like a number is spelled like SQL spells it: the same row scope as a raw write by that key', () => {
    const read = dependencyScopes(readDependencies(graph, 'Item', 'findUnique', { where: { code: '123' } }, undefined) ?? [])
    const raw = planOperation({ kind: 'write', writes: [{ table: 'Item', event: 'update', keys: [{ code: '123' }] }] }, { catalog })
    expect(raw.type === 'write' && raw.scopes.filter((scope) => scope.startsWith('row:'))).toEqual(['row:item:n123'])
    expect(read).toContain('row:item:n123')
  })
  it('unique keys name their key; `{ equals }` is a lookup, other filters are not', () => {
    expect(whereRow(graph, 'User', { email: 'a@x' })).toEqual({ values: ['a@x'], types: ['unknown'], key: 'email' })
    expect(whereRow(graph, 'Membership', { byRole: { userId: 1, role: 'owner' } })).toEqual({
      values: [1, 'owner'],
      types: ['integer', 'unknown'],
      key: 'byRole',
    })
    expect(whereRow(graph, 'User', { id: { equals: 3 } })).toEqual({ values: [3], types: ['integer'] })
    expect(whereRow(graph, 'User', { id: { in: [3] } })).toBeUndefined()
    expect(whereRow(graph, 'User', { email: null })).toBeUndefined()
  })
  it('a list depends on its table, relation filters and counts on theirs', () => {
    const deps = readDependencies(
      graph,
      'User',
      'findMany',
      { where: { profile: { is: { bio: 'x' } } }, select: { _count: { select: { memberships: true } } } },
      undefined,
    )
    expect(deps?.map((dep) => dep.kind === 'table' && dep.table).sort()).toEqual(['membership', 'profile', 'users'])
  })
  it('hostile nesting is not read: the read runs uncached instead of throwing', () => {
    let where: Record<string, unknown> = { name: 'x' }
    for (let i = 0; i < 200; i++) where = { AND: [where] }
    expect(readDependencies(graph, 'Tag', 'findMany', { where }, undefined)).toBeUndefined()
  })
})

describe('writes (described by Prisma, planned by the core)', () => {
  it('an update by id that keeps keys bumps that row (not the table in bulk), and its unique keys', () => {
    // The core follows ON UPDATE CASCADE (Prisma's default) for any update: comments and tag links are bumped too.
    expect(bumps('Post', 'update', { where: { id: 3 }, data: { title: 'x' } }, { id: 3, title: 'x' })).toEqual(
      expect.arrayContaining(['row:post:n3', 'table:post']),
    )
    expect(bumps('Post', 'update', { where: { id: 3 }, data: { title: 'x' } }, { id: 3, title: 'x' })).not.toContain('bulk:post')
    expect(bumps('User', 'update', { where: { id: 1 }, data: { name: 'x' } }, { id: 1, email: 'a@x', name: 'x' })).toEqual(
      expect.arrayContaining(['row:users:n1', 'row:users:@email,sa%40x', 'table:users']),
    )
    expect(bumps('User', 'update', { where: { id: 1 }, data: { name: 'x' } }, { id: 1, email: 'a@x', name: 'x' })).not.toContain('bulk:users')
  })
  it('an update that changes a unique key, or a result without it, bumps in bulk', () => {
    expect(bumps('User', 'update', { where: { id: 1 }, data: { email: 'n@x' } }, { id: 1, email: 'n@x', name: null })).toContain('bulk:users')
    expect(bumps('User', 'update', { where: { id: 1 }, data: { name: 'x' } }, { id: 1 })).toContain('bulk:users')
  })
  it('a delete follows the declared cascades, SET NULL and join tables (core reach)', () => {
    const scopes = bumps('User', 'delete', { where: { id: 1 } }, { id: 1, email: 'a@x', name: null })
    for (const table of ['profile', 'post', 'membership']) expect(scopes).toContain(`bulk:${table}`)
    const post = bumps('Post', 'delete', { where: { id: 1 } }, undefined)
    expect(post).toContain('bulk:comment')
    expect(post).toContain('table:_posttotag')
  })
  it('a failed write (no result) and `{ count }` results bump in bulk', () => {
    expect(bumps('Post', 'update', { where: { id: 3 }, data: { title: 'x' } }, undefined)).toContain('bulk:post')
    expect(bumps('Post', 'updateMany', { data: { title: 'x' } }, { count: 3 })).toContain('bulk:post')
  })
  it('connecting through a key held here leaves the other model alone; nested writes reach theirs', () => {
    expect(bumps('Post', 'update', { where: { id: 3 }, data: { author: { connect: { id: 1 } } } }, { id: 3 })).not.toContain('table:users')
    expect(bumps('User', 'update', { where: { id: 1 }, data: { posts: { connect: { id: 3 } } } }, { id: 1, email: 'a@x' })).toContain('bulk:post')
    expect(bumps('Post', 'update', { where: { id: 3 }, data: { tags: { connect: { name: 'x' } } } }, { id: 3 })).toContain('bulk:_posttotag')
  })
  it('args nested too deeply to read are an unknown write: everything may have changed', () => {
    let data: Record<string, unknown> = { title: 'x' }
    for (let i = 0; i < 40; i++) data = { comments: { create: { body: 'x', post: { create: data } } } }
    expect(bumps('Post', 'create', { data }, undefined)).toContain('table:*')
  })
  it('a raw write to a table of a model with unique keys reaches its lookups by those keys as a table change', () => {
    expect(uniqueKeyTables(graph, ['app.users', 'post'])).toEqual([{ kind: 'table', table: 'users' }])
    expect(uniqueKeyTables(graph, ['membership'])).toEqual([{ kind: 'table', table: 'membership' }])
  })
})

describe('without the generator', () => {
  it('the runtime data model gives tables and relations; keys come from the database catalog', () => {
    const fallback = createGraph(graphFromRuntime(runtime), runtime, undefined)
    expect(fallback.exact).toBe(false)
    expect(modelCatalog(fallback).tables.get('users')?.primaryKey).toEqual([])
    expect(readDependencies(fallback, 'User', 'findUnique', { where: { id: 1 } }, undefined)).toEqual([{ kind: 'table', table: 'users' }])
  })
})
