import { kvCacheError } from '../errors'
import type { FieldTracking, QuietRule, ResolvedFieldTracking } from '../field-tracking'
import { assertKnownOptions, nearestOption } from '../options'
import { canonicalTable } from '../relation-names'

/** One table of a binding's schema, for `fieldTracking`: its SQL name and its columns under every accepted name. */
export interface FieldSchemaTable {
  /** The table as SQL names it. */
  readonly table: string
  /**
   * Each name a user may give a column (the SQL name; a Drizzle property, a Prisma field) -> how
   * SQL may spell it (one name; several when the ORM's casing setting decides, as Drizzle's `casing`).
   */
  readonly columns: ReadonlyMap<string, readonly string[]>
}

/**
 * What a binding knows of its tables before the database is read (a Drizzle schema, Prisma's
 * models): `fieldTracking` names are translated to SQL once, and a name it lacks fails at construction.
 */
export interface FieldSchema {
  /** Each name a user may give a table (the SQL name, a schema export, a Prisma model) -> the table. */
  readonly tables: ReadonlyMap<string, FieldSchemaTable>
  /** What the ORM calls a table and a column, for messages. @default ['table', 'column'] */
  readonly nouns?: readonly [table: string, column: string]
}

const RULE_OPTIONS = ['neverInvalidateOn', 'alwaysInvalidateOn']
const SHAPE = "an object keyed by table, like { posts: { neverInvalidateOn: ['view_count'] } }"

function isNameList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((name) => typeof name === 'string' && name.trim() !== '')
}

/** Which table a rule is for: the schema's (when known), as the user wrote it, and the ORM's words. */
interface RuleTarget {
  readonly table: FieldSchemaTable | undefined
  readonly written: string
  readonly nouns: readonly [table: string, column: string]
}

/** The SQL columns `names` stand for; fails naming the option and the nearest column when the schema's table lacks one. */
function columnsOf(binding: string, option: string, names: readonly string[], { table, written, nouns }: RuleTarget): Set<string> {
  if (!table) return new Set(names)
  return new Set(
    names.flatMap((name) => {
      const columns = table.columns.get(name)
      if (columns !== undefined) return columns
      const nearest = nearestOption(name, [...table.columns.keys()])
      throw kvCacheError(
        'INVALID_OPTION',
        binding,
        `Option \`${option}\` names ${nouns[1]} \`${name}\`, which \`${written}\` does not have.${nearest === undefined ? '' : ` Did you mean \`${nearest}\`?`}`,
      )
    }),
  )
}

function ruleOf(binding: string, option: string, value: unknown, target: RuleTarget): QuietRule {
  const { nouns } = target
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw kvCacheError('INVALID_OPTION', binding, `Option \`${option}\` must be an object like { neverInvalidateOn: [...], alwaysInvalidateOn: [...] }.`)
  }
  assertKnownOptions(binding, value, RULE_OPTIONS, { field: option })
  const { neverInvalidateOn: never, alwaysInvalidateOn: always = [] } = value as { neverInvalidateOn?: unknown; alwaysInvalidateOn?: unknown }
  if (never === undefined) {
    throw kvCacheError('INVALID_OPTION', binding, `Option \`${option}.neverInvalidateOn\` is missing: without it no ${nouns[1]} is quiet.`)
  }
  if (never !== '*' && !isNameList(never)) {
    throw kvCacheError('INVALID_OPTION', binding, `Option \`${option}.neverInvalidateOn\` must be '*' or an array of ${nouns[1]} names.`)
  }
  if (!isNameList(always)) {
    throw kvCacheError('INVALID_OPTION', binding, `Option \`${option}.alwaysInvalidateOn\` must be an array of ${nouns[1]} names.`)
  }
  return {
    never: never === '*' ? '*' : columnsOf(binding, `${option}.neverInvalidateOn`, never, target),
    always: columnsOf(binding, `${option}.alwaysInvalidateOn`, always, target),
  }
}

/**
 * Validates the `fieldTracking` binding option once, at construction, and translates it to SQL
 * names (canonical tables, the database's column names) through `schema` when the binding has one.
 * Errors name the option path (`fieldTracking.posts.neverInvalidateOn`) and the nearest known name.
 */
export function resolveFieldTracking(binding: string, value: unknown, schema?: FieldSchema): ResolvedFieldTracking | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw kvCacheError('INVALID_OPTION', binding, `Option \`fieldTracking\` must be ${SHAPE}.`)
  }
  const nouns = schema?.nouns ?? (['table', 'column'] as const)
  const resolved = new Map<string, QuietRule>()
  const declaredAs = new Map<string, string>()
  for (const [name, rule] of Object.entries(value as FieldTracking)) {
    const option = `fieldTracking.${name}`
    if (name.trim() === '') throw kvCacheError('INVALID_OPTION', binding, `Option \`fieldTracking\` must be ${SHAPE}: a ${nouns[0]} name is empty.`)
    const table = schema?.tables.get(name) ?? schema?.tables.get(canonicalTable(name))
    if (schema && !table) {
      const nearest = nearestOption(name, [...schema.tables.keys()])
      throw kvCacheError(
        'INVALID_OPTION',
        binding,
        `Option \`${option}\` names ${nouns[0]} \`${name}\`, which the schema does not have.${nearest === undefined ? '' : ` Did you mean \`${nearest}\`?`}`,
      )
    }
    const canonical = canonicalTable(table?.table ?? name)
    const earlier = declaredAs.get(canonical)
    if (earlier !== undefined) {
      throw kvCacheError('INVALID_OPTION', binding, `Option \`fieldTracking\` names \`${canonical}\` twice (as \`${earlier}\` and \`${name}\`): give one rule.`)
    }
    declaredAs.set(canonical, name)
    resolved.set(canonical, ruleOf(binding, option, rule, { table, written: name, nouns }))
  }
  return resolved
}
