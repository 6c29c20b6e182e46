import { kvCacheError, nearestOption } from '@kvcache/core/binding'

/** What a database does to child rows when the parent row is deleted or its key changes. */
export type ReferentialAction = 'Cascade' | 'Restrict' | 'NoAction' | 'SetNull' | 'SetDefault'

/** A primary or unique key: `name` is how Prisma spells it in `where` (`id`, or `orgId_userId`). */
export interface KeyInfo {
  readonly name: string
  readonly fields: readonly string[]
}

/** One side of a relation, as the generator writes it. */
export interface RelationInfo {
  /** The model on the other side. */
  readonly model: string
  readonly list: boolean
  /** The relation field on the other model, or null when it has none. */
  readonly inverse: string | null
  /** Foreign-key fields on this model (empty when the other side holds the key). */
  readonly fields: readonly string[]
  /** The fields of the other model that `fields` reference. */
  readonly references: readonly string[]
  /** Action on this model's rows when the referenced row is deleted (defaults resolved), null without a key here. */
  readonly onDelete: ReferentialAction | null
  /** Action on this model's rows when the referenced key changes (defaults resolved), null without a key here. */
  readonly onUpdate: ReferentialAction | null
  /** The implicit many-to-many join table (`_TagToUser`), or null. */
  readonly joinTable: string | null
}

/** One model: its table, keys and relation fields. */
export interface ModelInfo {
  /** Database table name (`@@map` applied). */
  readonly table: string
  /** PostgreSQL schema (`@@schema`), or null. */
  readonly schema: string | null
  readonly primaryKey: KeyInfo | null
  readonly uniques: readonly KeyInfo[]
  /** Scalar field names. */
  readonly scalars: readonly string[]
  readonly relations: Readonly<Record<string, RelationInfo>>
}

/** The module written by `generator kvcache { provider = "kvcache-prisma" }`. */
export interface KvCacheModels {
  readonly format: 'kvcache-prisma-models'
  readonly version: 1
  readonly provider: string
  readonly models: Readonly<Record<string, ModelInfo>>
}

/** Prisma's runtime data model (`client._runtimeDataModel`): names and relation types, no keys. */
export interface RuntimeDataModel {
  readonly models: Readonly<
    Record<
      string,
      {
        readonly dbName?: string | null
        readonly schema?: string | null
        readonly fields: readonly {
          readonly name: string
          readonly kind: string
          readonly type: string
          readonly relationName?: string
          /** The column of a field mapped with `@map`. */
          readonly dbName?: string | null
        }[]
      }
    >
  >
}

const HOW_TO =
  'Add `generator kvcache { provider = "kvcache-prisma" }` to schema.prisma, run `prisma generate`, and pass `{ models }` from the generated module.'

/** Checks the `models` option at `$extends` time; names what is wrong and how to fix it. */
export function assertModels(value: unknown, runtime: RuntimeDataModel | undefined): KvCacheModels {
  const models = value as Partial<KvCacheModels> | null
  if (typeof models !== 'object' || models === null || models.format !== 'kvcache-prisma-models') {
    throw kvCacheError('INVALID_OPTION', 'prisma', `Option \`models\` must be the module written by the kvcache generator. ${HOW_TO}`)
  }
  if (models.version !== 1 || typeof models.models !== 'object' || models.models === null) {
    throw kvCacheError('INVALID_OPTION', 'prisma', `Option \`models\` has an unknown version; regenerate it with this @kvcache/prisma. ${HOW_TO}`)
  }
  for (const [name, model] of Object.entries(models.models)) {
    if (typeof model?.table !== 'string' || !Array.isArray(model.scalars) || typeof model.relations !== 'object') {
      throw kvCacheError('INVALID_OPTION', 'prisma', `Option \`models\` has a malformed entry for model \`${name}\`. ${HOW_TO}`)
    }
  }
  for (const name of Object.keys(runtime?.models ?? {})) {
    if (!(name in models.models)) {
      throw kvCacheError(
        'INVALID_OPTION',
        'prisma',
        `Option \`models\` does not know model \`${name}\` of this client: it was generated from another schema. Run \`prisma generate\` again.`,
      )
    }
  }
  return models as KvCacheModels
}

/**
 * The fallback graph from Prisma's runtime data model: tables and relations without keys,
 * list-ness, directions or referential actions. Reads depend on whole tables; writes name their
 * rows by the primary keys the database catalog knows, and follow its foreign keys.
 */
export function graphFromRuntime(runtime: RuntimeDataModel): KvCacheModels {
  let graph = fromRuntime.get(runtime)
  if (!graph) fromRuntime.set(runtime, (graph = translateRuntime(runtime)))
  return graph
}

const fromRuntime = new WeakMap<RuntimeDataModel, KvCacheModels>()

function translateRuntime(runtime: RuntimeDataModel): KvCacheModels {
  const models: Record<string, ModelInfo> = {}
  for (const [name, model] of Object.entries(runtime.models)) {
    const relations: Record<string, RelationInfo> = {}
    for (const field of model.fields) {
      if (field.kind !== 'object') continue
      const inverse = runtime.models[field.type]?.fields.find((f) => f.relationName === field.relationName && f.name !== field.name)
      relations[field.name] = {
        model: field.type,
        list: true,
        inverse: inverse?.name ?? null,
        fields: [],
        references: [],
        onDelete: null,
        onUpdate: null,
        // The runtime model does not say which relations are implicit many-to-many: assume a join
        // table may exist. Depending on (or bumping) a scope nobody writes costs one stamp, no staleness.
        joinTable: field.relationName ? `_${field.relationName}` : null,
      }
    }
    models[name] = {
      table: model.dbName ?? name,
      schema: model.schema ?? null,
      primaryKey: null,
      uniques: [],
      scalars: model.fields.filter((field) => field.kind !== 'object').map((field) => field.name),
      relations,
    }
  }
  return { format: 'kvcache-prisma-models', version: 1, provider: RUNTIME_PROVIDER, models }
}

/** Marks a graph built from the runtime data model: no keys, no directions, no actions. */
export const RUNTIME_PROVIDER = 'runtime-data-model'

/** A model name the client does not have, with the nearest one it has. */
export function unknownModel(
  code: 'INVALID_OPTION' | 'UNKNOWN_TABLE',
  name: unknown,
  graph: { readonly models: Readonly<Record<string, unknown>> },
  where: string,
): Error {
  const nearest = typeof name === 'string' ? nearestOption(name, Object.keys(graph.models)) : undefined
  const shown = typeof name === 'string' ? `\`${name}\`` : String(name)
  return kvCacheError(
    code,
    'prisma',
    `Unknown model ${shown} ${where}.${nearest === undefined ? '' : ` Did you mean \`${nearest}\`?`} Models: ${Object.keys(graph.models).join(', ')}.`,
  )
}
