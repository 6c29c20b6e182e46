import type { OperationNodeKind as Kind027 } from 'kysely-0.27'
import type { OperationNodeKind as Kind028 } from 'kysely'
import type { OperationNodeKind as Kind029 } from 'kysely-0.29'
import { describe, expectTypeOf, it } from 'vitest'
import type { KnownNodeKind } from '../../src'
import type { KyselyPluginLike } from '../../src/kysely-types'
import type { KyselyPlugin } from 'kysely'
import type { KyselyPlugin as Plugin027 } from 'kysely-0.27'
import type { KyselyPlugin as Plugin029 } from 'kysely-0.29'

describe('the node-kind table is exhaustive', () => {
  it('knows every kind of every supported Kysely version', () => {
    expectTypeOf<Kind027>().toExtend<KnownNodeKind>()
    expectTypeOf<Kind028>().toExtend<KnownNodeKind>()
    expectTypeOf<Kind029>().toExtend<KnownNodeKind>()
  })

  it('lists no kind that no version has (a typo would be a silent miss)', () => {
    expectTypeOf<KnownNodeKind>().toExtend<Kind027 | Kind028 | Kind029>()
  })
})

describe('per-query plugins fit every version', () => {
  it('cached() and uncached() are Kysely plugins', () => {
    expectTypeOf<KyselyPluginLike>().toExtend<KyselyPlugin>()
    expectTypeOf<KyselyPluginLike>().toExtend<Plugin027>()
    expectTypeOf<KyselyPluginLike>().toExtend<Plugin029>()
  })
})
