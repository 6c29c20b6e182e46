import { describe, expect, it } from 'vitest'
import { flavourOf } from '../../src/flavour'
import { KYSELY_VERSIONS } from './versions'

describe.each(KYSELY_VERSIONS)('the SQL flavour of a dialect (Kysely $version)', ({ kysely }) => {
  const k = kysely as typeof import('kysely')
  const dialect = (compiler: new () => unknown) => ({
    createDriver: () => new k.DummyDriver(),
    createAdapter: () => new k.SqliteAdapter(),
    createIntrospector: () => undefined,
    createQueryCompiler: () => new compiler(),
  })

  it('is read from the dialect’s own query compiler', () => {
    expect(flavourOf(dialect(k.PostgresQueryCompiler) as never)).toBe('postgres')
    expect(flavourOf(dialect(k.SqliteQueryCompiler) as never)).toBe('sqlite')
    expect(flavourOf(dialect(k.MysqlQueryCompiler) as never)).toBe('other')
    expect(flavourOf(dialect(k.MssqlQueryCompiler) as never)).toBe('other')
  })

  it('a compiler that throws is "other"', () => {
    const broken = {
      ...dialect(k.SqliteQueryCompiler),
      createQueryCompiler: () => ({
        compileQuery: () => {
          throw new Error('no')
        },
      }),
    }
    expect(flavourOf(broken as never)).toBe('other')
  })
})
