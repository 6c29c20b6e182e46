import type { DialectLike } from './kysely-types'

/** The SQL a dialect writes, as far as catalog introspection and SQL reading care. */
export type SqlFlavour = 'sqlite' | 'postgres' | 'other'

const PROBE = {
  kind: 'SelectQueryNode',
  from: { kind: 'FromNode', froms: [{ kind: 'TableNode', table: { kind: 'SchemableIdentifierNode', identifier: { kind: 'IdentifierNode', name: 't' } } }] },
  selections: [{ kind: 'SelectionNode', selection: { kind: 'ValueNode', value: 1 } }],
}

/**
 * Which SQL a dialect writes, learned from its own query compiler (no `instanceof`, no import of
 * kysely): PostgreSQL numbers placeholders (`$1`), SQLite uses `?` and double-quoted names.
 */
export function flavourOf(dialect: DialectLike): SqlFlavour {
  try {
    const compiler = dialect.createQueryCompiler() as { compileQuery(node: unknown, queryId: unknown): { sql: string } }
    const { sql } = compiler.compileQuery(PROBE, { queryId: 'kvcache-probe' })
    if (sql === 'select $1 from "t"') return 'postgres'
    if (sql === 'select ? from "t"') return 'sqlite'
  } catch {
    // A dialect whose compiler cannot compile the probe: nothing to introspect.
  }
  return 'other'
}
