import { isVolatileFunction, type WriteEvent } from '@kvcache/core/sql'
import { roleOf, WRITE_TARGETS, type NodeRole } from './kinds'
import type { OperationNodeLike } from './kysely-types'

/** What `uncacheable` holds for a locking read (`for update`, `skip locked`...). */
export const LOCKING_READ = 'locking read'
/** What `uncacheable` holds for EXPLAIN. */
export const EXPLAIN = 'EXPLAIN'

/** A relation as the tree names it. */
export interface TableRef {
  readonly schema: string | undefined
  readonly name: string
}

export type WriteVerb = 'insert' | 'update' | 'delete' | 'merge'

/** A raw SQL fragment (`sql\`...\``) with `?` where nodes were interpolated, and the CTE names visible where it sits. */
export interface RawFragment {
  readonly text: string
  readonly ctes: ReadonlySet<string>
}

/** A table a statement writes, and the kinds of change it may make to it. */
export interface WrittenRef extends TableRef {
  readonly events: readonly WriteEvent[]
}

/** Everything the operation-node tree says about a statement. */
export interface TreeFacts {
  /** Role of the root node (`select`, `insert`, `raw`, `ddl`...); undefined for an unknown kind. */
  readonly root: NodeRole | undefined
  /** Relations read anywhere (FROM, JOINs, subqueries, set operations, CTE bodies, USING...), CTE names excluded. */
  readonly reads: readonly TableRef[]
  /** Tables written anywhere, data-modifying CTEs included. */
  readonly writes: readonly WrittenRef[]
  readonly verbs: ReadonlySet<WriteVerb>
  /** A schema change somewhere in the tree. */
  readonly ddl: boolean
  /** Every raw SQL fragment: what it reads or writes is only in its text. */
  readonly raw: readonly RawFragment[]
  /** Node kinds this binding does not know: the tree cannot say everything the statement does. */
  readonly unknownKinds: readonly string[]
  /** Why the result of this read must come from the database (a locking read, EXPLAIN). */
  readonly uncacheable: readonly string[]
  /** A function node whose result changes without a write (`now`, `random`, `nextval`: the core's list). */
  readonly volatile: boolean
  /** The root query's top-level WHERE, for key filters. */
  readonly where: OperationNodeLike | undefined
}

interface Scope {
  /** CTE names visible here (lower-cased). */
  readonly ctes: ReadonlySet<string>
  /** Under a write-target field (`insertInto`, `updateTable`, `deleteFrom`, `mergeInto`): the changes made there. */
  readonly writing: readonly WriteEvent[] | undefined
  readonly depth: number
}

interface Acc {
  reads: TableRef[]
  writes: WrittenRef[]
  verbs: Set<WriteVerb>
  ddl: boolean
  raw: RawFragment[]
  unknownKinds: string[]
  uncacheable: string[]
  volatile: boolean
}

const MAX_DEPTH = 2000
const LOCKING = new Set(['ForUpdate', 'ForNoKeyUpdate', 'ForShare', 'ForKeyShare', 'NoWait', 'SkipLocked'])

/** Reads the whole operation-node tree of one compiled query. */
export function readTree(root: OperationNodeLike): TreeFacts {
  const acc: Acc = { reads: [], writes: [], verbs: new Set(), ddl: false, raw: [], unknownKinds: [], uncacheable: [], volatile: false }
  visit(root, { ctes: new Set(), writing: undefined, depth: 0 }, acc)
  return { root: roleOf(root.kind), ...acc, where: whereOf(root) }
}

/** The root query's top-level WHERE condition. */
export function whereOf(root: OperationNodeLike): OperationNodeLike | undefined {
  return (root as { where?: { where?: OperationNodeLike } }).where?.where
}

function isNode(value: unknown): value is OperationNodeLike {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string'
}

function visit(node: OperationNodeLike, scope: Scope, acc: Acc): void {
  if (scope.depth > MAX_DEPTH) {
    acc.unknownKinds.push(`(nesting deeper than ${MAX_DEPTH})`)
    return
  }
  const role = roleOf(node.kind)
  const fields = node as unknown as Record<string, unknown>
  switch (role) {
    case 'select':
    case 'insert':
    case 'update':
    case 'delete':
    case 'merge':
      return visitQuery(node, role, scope, acc)
    case 'table':
      return visitTable(node, scope, acc)
    case 'cte-name':
    case 'value':
      return
    case 'reference':
      return visitChildren(node, scope, acc, ['table'])
    case 'raw':
      acc.raw.push({ text: ((fields.sqlFragments as unknown[] | undefined) ?? []).map(String).join('?'), ctes: scope.ctes })
      break
    case 'function':
      if (isVolatileFunction(String(fields.func ?? ''))) acc.volatile = true
      break
    case 'modifier':
      if (LOCKING.has(String(fields.modifier))) acc.uncacheable.push(LOCKING_READ)
      break
    case 'explain':
      acc.uncacheable.push(EXPLAIN)
      break
    case 'ddl':
      acc.ddl = true
      break
    case undefined:
      acc.unknownKinds.push(node.kind)
      break
  }
  visitChildren(node, scope, acc)
}

function visitChildren(node: OperationNodeLike, scope: Scope, acc: Acc, skip: readonly string[] = []): void {
  const inner = { ...scope, depth: scope.depth + 1 }
  for (const [field, value] of Object.entries(node)) {
    if (field === 'kind' || skip.includes(field)) continue
    if (isNode(value)) visit(value, inner, acc)
    else if (Array.isArray(value)) for (const item of value) if (isNode(item)) visit(item, inner, acc)
  }
}

function visitQuery(node: OperationNodeLike, role: NodeRole, outer: Scope, acc: Acc): void {
  if (role !== 'select') acc.verbs.add(role as WriteVerb)
  const fields = node as unknown as Record<string, unknown>
  // A subquery under a write target (`insertInto(subquery)`) is read, not written.
  const base: Scope = { ctes: outer.ctes, writing: undefined, depth: outer.depth + 1 }
  const scope = isNode(fields.with) ? visitWith(fields.with, base, acc) : base
  const targets = WRITE_TARGETS[role] ?? []
  for (const target of targets) {
    const value = fields[target]
    const writing = { ...scope, writing: eventsOf(role, fields) }
    if (isNode(value)) visit(value, writing, acc)
    else if (Array.isArray(value)) for (const item of value) if (isNode(item)) visit(item, writing, acc)
  }
  visitChildren(node, scope, acc, ['with', ...targets])
}

/** Walks CTE bodies and returns the scope in which the CTE names hide relations of that name. */
function visitWith(withNode: OperationNodeLike, scope: Scope, acc: Acc): Scope {
  const fields = withNode as unknown as { recursive?: boolean; expressions?: unknown[] }
  if (roleOf(withNode.kind) !== 'with') {
    visit(withNode, scope, acc)
    return scope
  }
  const names = new Set(scope.ctes)
  for (const cte of fields.expressions ?? []) {
    if (!isNode(cte) || roleOf(cte.kind) !== 'cte') {
      if (isNode(cte)) visit(cte, scope, acc)
      continue
    }
    const { name, expression } = cte as unknown as { name?: unknown; expression?: unknown }
    const defined = cteName(name)
    // A non-recursive CTE's body sees only earlier names: `with person as (select * from person)`
    // reads the real table. A recursive one also sees itself.
    if (defined !== undefined && fields.recursive) names.add(defined)
    if (isNode(expression)) visit(expression, { ...scope, ctes: new Set(names), depth: scope.depth + 1 }, acc)
    if (defined !== undefined) names.add(defined)
  }
  return { ...scope, ctes: names }
}

const ALL_EVENTS: readonly WriteEvent[] = ['insert', 'update', 'delete']

/**
 * The changes a write node makes to its target. An insert with a conflict clause, `replace` or
 * an `or` action may also update or delete (REPLACE deletes the conflicting row); MERGE does all.
 */
function eventsOf(role: NodeRole, fields: Record<string, unknown>): readonly WriteEvent[] {
  if (role === 'update') return ['update']
  if (role === 'delete') return ['delete']
  if (role === 'insert' && !fields.onConflict && !fields.onDuplicateKey && !fields.replace && !fields.orAction) return ['insert']
  return ALL_EVENTS
}

function cteName(name: unknown): string | undefined {
  const table = isNode(name) ? (name as { table?: unknown }).table : undefined
  return isNode(table) ? tableRefOf(table)?.name.toLowerCase() : undefined
}

function visitTable(node: OperationNodeLike, scope: Scope, acc: Acc): void {
  const ref = tableRefOf(node)
  if (!ref) {
    acc.unknownKinds.push(`${node.kind} without a name`)
    return
  }
  if (ref.schema === undefined && scope.ctes.has(ref.name.toLowerCase())) return
  if (scope.writing) acc.writes.push({ ...ref, events: scope.writing })
  else acc.reads.push(ref)
}

function tableRefOf(node: OperationNodeLike): TableRef | undefined {
  const table = (node as { table?: { schema?: { name?: unknown }; identifier?: { name?: unknown } } }).table
  const name = table?.identifier?.name
  if (typeof name !== 'string') return undefined
  const schema = table?.schema?.name
  return { schema: typeof schema === 'string' ? schema : undefined, name }
}
