/**
 * The parts of Kysely this binding touches, typed structurally: no runtime import of `kysely`,
 * so an app that bundles a second copy (or another supported version) works the same.
 */

/** Any operation node: only `kind` is relied on (never `instanceof`). */
export interface OperationNodeLike {
  readonly kind: string
}

/** `CompiledQuery`: `queryId` exists from Kysely 0.28 on. */
export interface CompiledQueryLike {
  readonly query: OperationNodeLike
  readonly sql: string
  readonly parameters: ReadonlyArray<unknown>
}

/** `QueryResult`: what a connection returns and the cache stores for reads. */
export interface QueryResultLike<R = unknown> {
  readonly rows: R[]
  readonly numAffectedRows?: bigint
  readonly numChangedRows?: bigint
  readonly insertId?: bigint
}

/** `DatabaseConnection`. Kysely 0.29 adds optional members (`cancelQuery`...) that are forwarded untouched. */
export interface DatabaseConnectionLike {
  executeQuery<R>(compiledQuery: CompiledQueryLike, ...rest: unknown[]): Promise<QueryResultLike<R>>
  streamQuery<R>(compiledQuery: CompiledQueryLike, ...rest: unknown[]): AsyncIterableIterator<QueryResultLike<R>>
}

/**
 * `Driver`. Savepoint methods are optional, and Kysely checks for their presence. Members are
 * written as methods on purpose: their parameters are then compared bivariantly, so every Kysely
 * version's `Driver` (whose methods take its own `DatabaseConnection`) fits.
 */
export interface DriverLike {
  init(...rest: unknown[]): Promise<void>
  acquireConnection(...rest: unknown[]): Promise<DatabaseConnectionLike>
  beginTransaction(connection: DatabaseConnectionLike, settings: unknown): Promise<void>
  commitTransaction(connection: DatabaseConnectionLike): Promise<void>
  rollbackTransaction(connection: DatabaseConnectionLike): Promise<void>
  savepoint?(connection: DatabaseConnectionLike, savepointName: string, compileQuery: never): Promise<void>
  rollbackToSavepoint?(connection: DatabaseConnectionLike, savepointName: string, compileQuery: never): Promise<void>
  releaseSavepoint?(connection: DatabaseConnectionLike, savepointName: string, compileQuery: never): Promise<void>
  releaseConnection(connection: DatabaseConnectionLike, ...rest: unknown[]): Promise<void>
  destroy(...rest: unknown[]): Promise<void>
}

/** `Dialect`: what `new Kysely({ dialect })` takes. */
export interface DialectLike {
  createDriver(): DriverLike
  createQueryCompiler(): unknown
  createAdapter(): unknown
  // Kysely passes its own instance; `any` keeps every Kysely version's Dialect assignable.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  createIntrospector(db: any): unknown
}

/** `KyselyPlugin`, written so it is assignable to the plugin type of every supported Kysely version. */
export interface KyselyPluginLike {
  transformQuery<N extends OperationNodeLike>(args: { readonly node: N }): N
  transformResult<R>(args: { readonly result: R }): Promise<R>
}
