import { introspectPostgres, type Catalog, type RunQuery } from '@kvcache/core/sql'
import { rememberSearchPath } from './catalog'

/**
 * A PostgreSQL catalog, plus the connection's search path (`current_schemas(false)`): where
 * unqualified names resolve. Only the PostgreSQL entries import this.
 */
export async function introspectPostgresWithSearchPath(run: RunQuery): Promise<Catalog> {
  const catalog = await introspectPostgres(run)
  // As text: node-postgres does not parse `name[]` arrays.
  const [row] = await run("select array_to_string(current_schemas(false), ',') as schemas")
  if (typeof row?.schemas === 'string') rememberSearchPath(catalog, row.schemas.split(',').filter(Boolean))
  return catalog
}
