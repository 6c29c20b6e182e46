import { canonicalName, type KeyType } from '@kvcache/core/binding'
import { RUNTIME_PROVIDER, type KvCacheModels, type ModelInfo, type RelationInfo, type RuntimeDataModel } from './models'

/** The model graph as the binding reads it: canonical table names, keys and their types. */
export interface Graph {
  /** True when built by the generator (keys, directions, actions known). */
  readonly exact: boolean
  readonly models: Readonly<Record<string, ModelInfo>>
  /** The table a model's rows live in, canonical (`users`, or `app.users` outside the default schema). */
  table(model: string): string
  /** The implicit many-to-many join table of a relation (`_PostToTag`), canonical, or undefined. */
  joinTable(model: string, relation: RelationInfo): string | undefined
  /** How each of `fields` compares values, for row keys (from Prisma's field types). */
  keyTypes(model: string, fields: readonly string[]): KeyType[]
  /** The column a scalar field is stored in (`@map`, from the client's runtime data model), else the field's name. */
  column(model: string, field: string): string
  /** Tables of models that have unique keys besides the primary key: lookups by them use scopes SQL cannot name. */
  readonly uniqueKeyTables: ReadonlySet<string>
}

/**
 * Prisma's scalar types as row keys: integers are integers; a `String` may be a uuid, char(n) or
 * citext column in the database, and `unknown` spells it every way a typed source could; the
 * rest (DateTime, Decimal, Float, Bytes, enums...) never name a row.
 */
function keyTypeOf(prismaType: string | undefined): KeyType {
  if (prismaType === 'Int' || prismaType === 'BigInt') return 'integer'
  return prismaType === 'String' ? 'unknown' : 'opaque'
}

const graphs = new WeakMap<object, Map<string, Graph>>()

/**
 * The graph of `models` (the generator's, or one from the runtime data model). `schema` is where
 * Prisma puts tables of models without `@@schema`: the PostgreSQL adapter's `schema` option.
 * Memoised: a client is extended per request with the same models.
 */
export function createGraph(models: KvCacheModels, runtime: RuntimeDataModel | undefined, schema: string | undefined): Graph {
  const bySchema = graphs.get(models) ?? new Map<string, Graph>()
  graphs.set(models, bySchema)
  let graph = bySchema.get(schema ?? '')
  if (!graph) bySchema.set(schema ?? '', (graph = buildGraph(models, runtime, schema)))
  return graph
}

/** Canonical name of a table in a schema (none: the connection's default). */
function qualified(schema: string | null | undefined, table: string): string {
  return canonicalName(schema ? [schema, table] : [table])
}

function buildGraph(models: KvCacheModels, runtime: RuntimeDataModel | undefined, defaultSchema: string | undefined): Graph {
  const schemaOf = (model: string) => models.models[model]?.schema ?? defaultSchema
  const table = (model: string) => qualified(schemaOf(model), models.models[model]?.table ?? model)
  const types = new Map(Object.entries(runtime?.models ?? {}).map(([name, model]) => [name, new Map(model.fields.map((field) => [field.name, field.type]))]))
  const columns = new Map(
    Object.entries(runtime?.models ?? {}).map(([name, model]) => [
      name,
      new Map(model.fields.flatMap((field) => (field.dbName ? [[field.name, field.dbName]] : []))),
    ]),
  )
  return {
    exact: models.provider !== RUNTIME_PROVIDER,
    models: models.models,
    table,
    joinTable: (model, relation) => (relation.joinTable ? qualified(schemaOf(model), relation.joinTable) : undefined),
    keyTypes: (model, fields) => fields.map((field) => keyTypeOf(types.get(model)?.get(field))),
    column: (model, field) => columns.get(model)?.get(field) ?? field,
    uniqueKeyTables: new Set(
      Object.entries(models.models)
        .filter(([, model]) => model.uniques.length > 0)
        .map(([name]) => table(name)),
    ),
  }
}
