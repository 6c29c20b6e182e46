// How the Prisma binding hands fieldTracking to the core: models and fields mapped to tables and
// @map'd columns (from the client's runtime data model), and which model writes carry their columns.
import { resolveFieldTracking } from '@kvcache/core/binding'
import { planOperation } from '@kvcache/core/sql'
import { describe, expect, it } from 'vitest'
import { fieldSchemaOf } from '../../src/field-schema'
import { createGraph } from '../../src/graph'
import { modelCatalog } from '../../src/model-catalog'
import { graphFromRuntime, type RuntimeDataModel } from '../../src/models'
import { describeWrite } from '../../src/writes'

// A model on a @@map'd table with a @map'd field, as Prisma's runtime data model spells it.
const runtime: RuntimeDataModel = {
  models: {
    Post: {
      dbName: 'posts',
      fields: [
        { name: 'id', kind: 'scalar', type: 'Int' },
        { name: 'title', kind: 'scalar', type: 'String' },
        { name: 'viewCount', kind: 'scalar', type: 'Int', dbName: 'view_count' },
        { name: 'author', kind: 'object', type: 'User', relationName: 'PostToUser' },
      ],
    },
    User: { dbName: null, fields: [{ name: 'id', kind: 'scalar', type: 'Int' }] },
  },
}
const graph = createGraph(graphFromRuntime(runtime), runtime, undefined)

describe('fieldTracking through the Prisma graph', () => {
  it('a model and its fields become the table and the @map columns', () => {
    const tracking = resolveFieldTracking('prisma', { Post: { neverInvalidateOn: ['viewCount'], alwaysInvalidateOn: ['title'] } }, fieldSchemaOf(graph))
    expect(tracking?.get('posts')).toStrictEqual({ never: new Set(['view_count']), always: new Set(['title']) })
    // Relation fields name no column.
    expect(() => resolveFieldTracking('prisma', { Post: { neverInvalidateOn: ['author'] } }, fieldSchemaOf(graph))).toThrow(/names field `author`/)
  })

  it('an update whose data sets scalar fields carries their columns; quiet under the rule', () => {
    const fieldTracking = resolveFieldTracking('prisma', { Post: { neverInvalidateOn: ['viewCount'] } }, fieldSchemaOf(graph))
    const plan = (operation: 'update' | 'updateMany' | 'upsert', args: Record<string, unknown>) =>
      planOperation(describeWrite(graph, 'Post', operation, args, { count: 1 }).operation, { catalog: modelCatalog(graph), fieldTracking })
    const viewed = plan('updateMany', { data: { viewCount: { increment: 1 } } })
    expect(viewed.type === 'write' && viewed.quiet).toStrictEqual([{ table: 'posts', columns: ['view_count'] }])
    expect(viewed.type === 'write' && viewed.scopes).toStrictEqual([])
    for (const [operation, args] of [
      ['update', { where: { id: 1 }, data: { viewCount: 1, title: 'x' } }],
      ['update', { where: { id: 1 }, data: { viewCount: 1, author: { connect: { id: 2 } } } }],
      ['upsert', { where: { id: 1 }, create: { title: 'x' }, update: { viewCount: 1 } }],
      ['updateMany', { data: {} }],
    ] as const) {
      const planned = plan(operation, args)
      expect(planned.type === 'write' && planned.quiet, JSON.stringify(args)).toBeUndefined()
    }
  })
})
