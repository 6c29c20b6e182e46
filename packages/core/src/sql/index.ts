/**
 * `@kvcache/core/sql`: the dependency index every SQL binding shares. A SQL reader (statement
 * kind, relations read, tables written, primary-key filters) for SQLite/D1 and PostgreSQL text, a
 * database catalog (declared or introspected, cached per isolate) and a scope planner that turns
 * a statement (SQL text or an ORM's structured description) into the scopes a read depends on or
 * a write bumps. Imports no ORM.
 *
 * @example
 * const answer = await isolateCatalogs.get(env.DB, () => introspectSqlite(runOnD1))
 * const plan = planStatement({ sql, params, dialect: 'sqlite' }, { catalog: answer.catalog })
 */
export { createBindingCatalog, declaredViews, mergeCatalogsOnce } from './binding-catalog'
export type { BindingCatalog, BindingCatalogOptions, CatalogSource, Introspect } from './binding-catalog'
export { createCatalog, catalogFacts, mergeCatalogs, referentialAction, resolveRelation } from './catalog'
export type { Catalog, CatalogFacts, ForeignKeyFacts, InheritanceFacts, ReferentialAction, TableFacts, TriggerFacts, ViewFacts } from './catalog'
export { createCatalogCache, isolateCatalogs } from './catalog-cache'
export type { CatalogAnswer, CatalogCache, CatalogCacheOptions, CatalogIdentity } from './catalog-cache'
export { describeSql } from './describe'
export type { OperationDescription, RowKey, SqlStatement, WriteDescription } from './describe'
export { ALL_WRITE_EVENTS, reachOf } from './effects'
export type { Reach } from './effects'
export { introspectPostgres, postgresCatalogFromRows } from './introspect-postgres'
export { introspectSqlite, sqliteCatalogFromRows, sqliteTrigger, SQLITE_CATALOG_QUERY } from './introspect-sqlite'
export type { RunQuery } from './introspect-sqlite'
export { assignsColumns, keyFilterOf } from './key-filter'
export { canonicalName, canonicalTable, relationSpellings } from './names'
export { planOperation, planStatement } from './planner'
export type { DescribedStatement, Plan, PlanContext, PlanInput } from './planner'
export { POSTGRES_CATALOG_QUERY, POSTGRES_FUNCTIONS_QUERY } from './postgres-queries'
export { readFragment, readStatement } from './reader'
export { updateColumnsOf } from './set-columns'
export type { UpdateColumns } from './set-columns'
export type { FragmentShape, SavepointStatement, StatementKind, StatementShape, TransactionControl } from './reader'
export { tokenize } from './tokens'
export { callsVolatile, isVolatileFunction } from './volatile'
export type { Dialect, Token, TokenType } from './tokens'
export type { WriteEffect, WriteEvent } from './writes'
