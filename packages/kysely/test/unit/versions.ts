import * as k27 from 'kysely-0.27'
import * as k28 from 'kysely'
import * as k29 from 'kysely-0.29'

/** Every supported Kysely version, to compile the same queries with each. */
export const KYSELY_VERSIONS = [
  { version: '0.27', kysely: k27 },
  { version: '0.28', kysely: k28 },
  { version: '0.29', kysely: k29 },
] as const

type Module = (typeof KYSELY_VERSIONS)[number]['kysely']

/** A Kysely instance that only compiles (DummyDriver): for reading operation-node trees. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function compilerOnly(kysely: Module, dialect: 'postgres' | 'sqlite'): any {
  const k = kysely as typeof k28
  const parts =
    dialect === 'postgres'
      ? { adapter: k.PostgresAdapter, compiler: k.PostgresQueryCompiler, introspector: k.PostgresIntrospector }
      : { adapter: k.SqliteAdapter, compiler: k.SqliteQueryCompiler, introspector: k.SqliteIntrospector }
  return new k.Kysely<never>({
    dialect: {
      createAdapter: () => new parts.adapter(),
      createDriver: () => new k.DummyDriver(),
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      createIntrospector: (db: any) => new parts.introspector(db),
      createQueryCompiler: () => new parts.compiler(),
    },
  })
}
