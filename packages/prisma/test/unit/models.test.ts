import { bulkScope, databaseScope, rowScope, tableScope } from '@kvcache/core/internal'
import { describe, expect, it } from 'vitest'
import { createGraph } from '../../src/graph'
import { readScopes } from '../../src/read-scopes'
import { writeScopes as touch } from '../../src/write-scopes'

const writeScopes = (...args: Parameters<typeof touch>) => touch(...args).scopes
import { models } from '../.generated/pg/kvcache/models.js'

const graph = createGraph(models)

function model(name: string) {
  const found = models.models[name]
  if (!found) throw new Error(`no model ${name}`)
  return found
}
const strategy = { ttlSeconds: 60, swrSeconds: 0, tags: [], autoInvalidate: true }

describe('the generated model graph', () => {
  it('has tables, keys, relations with both sides, actions and join tables', () => {
    expect(models.provider).toBe('postgresql')
    expect(model('User')).toMatchObject({ table: 'users', primaryKey: { name: 'id', fields: ['id'] }, uniques: [{ name: 'email', fields: ['email'] }] })
    expect(model('Membership')).toMatchObject({
      primaryKey: { name: 'orgId_userId', fields: ['orgId', 'userId'] },
      uniques: [{ name: 'byRole', fields: ['userId', 'role'] }],
    })
    expect(model('Post').relations.author).toMatchObject({ model: 'User', inverse: 'posts', fields: ['authorId'], references: ['id'], onDelete: 'SetNull', onUpdate: 'Cascade' })
    expect(model('User').relations.posts).toMatchObject({ model: 'Post', list: true, inverse: 'author', fields: [], onDelete: null })
    expect(model('Profile').relations.user?.onDelete).toBe('Cascade')
    expect(model('Post').relations.tags?.joinTable).toBe('_PostToTag')
    expect(model('Tag').relations.posts?.joinTable).toBe('_PostToTag')
  })
})

describe('read scopes', () => {
  it('a lookup by id depends on its row and bulk changes, relations on their tables', () => {
    const scopes = readScopes(graph, 'User', 'findUnique', { where: { id: 7 }, include: { posts: { where: { tags: { some: { name: 'x' } } } } } }, strategy)
    expect(scopes).toEqual([bulkScope('users'), rowScope('users', 7), databaseScope(), tableScope('_posttotag'), tableScope('post'), tableScope('tag')].sort())
  })
  it('a list depends on its table, relation filters and counts on theirs', () => {
    const scopes = readScopes(graph, 'User', 'findMany', { where: { profile: { is: { bio: 'x' } } }, select: { _count: { select: { memberships: true } } } }, strategy)
    expect(scopes).toEqual([databaseScope(), tableScope('membership'), tableScope('profile'), tableScope('users')].sort())
  })
  it('hostile nesting falls back to every reachable table instead of throwing', () => {
    let where: Record<string, unknown> = { name: 'x' }
    for (let i = 0; i < 200; i++) where = { AND: [where] }
    const scopes = readScopes(graph, 'Tag', 'findMany', { where }, strategy)
    expect(scopes).toContain(tableScope('users'))
  })
})

describe('write scopes', () => {
  it('an update by id that keeps keys bumps that row only', () => {
    const scopes = writeScopes(graph, 'Post', 'update', { where: { id: 3 }, data: { title: 'x' } }, { id: 3, title: 'x' })
    expect(scopes).toEqual([rowScope('post', 3), tableScope('post')].sort())
  })
  it('an update that changes a unique key bumps in bulk', () => {
    const scopes = writeScopes(graph, 'User', 'update', { where: { id: 1 }, data: { email: 'n@x' } }, { id: 1, email: 'n@x', name: null })
    expect(scopes).toContain(bulkScope('users'))
  })
  it('a delete follows cascades, SET NULL and join tables', () => {
    const scopes = writeScopes(graph, 'User', 'delete', { where: { id: 1 } }, { id: 1, email: 'a@x', name: null })
    for (const table of ['profile', 'post', 'membership']) expect(scopes).toContain(bulkScope(table))
    const post = writeScopes(graph, 'Post', 'delete', { where: { id: 1 } }, undefined)
    expect(post).toContain(bulkScope('comment'))
    expect(post).toContain(tableScope('_posttotag'))
  })
  it('a failed write (no result) bumps in bulk', () => {
    expect(writeScopes(graph, 'Post', 'update', { where: { id: 3 }, data: { title: 'x' } }, undefined)).toContain(bulkScope('post'))
  })
  it('connecting through a key held here leaves the other model alone', () => {
    const scopes = writeScopes(graph, 'Post', 'update', { where: { id: 3 }, data: { author: { connect: { id: 1 } } } }, { id: 3 })
    expect(scopes).not.toContain(tableScope('users'))
  })
})
