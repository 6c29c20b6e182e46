import type { Catalog, ForeignKeyFacts, TriggerFacts } from './catalog'
import type { WriteEffect, WriteEvent } from './writes'

/** Everything a write reaches beyond the rows it names. */
export interface Reach {
  /** Tables changed by foreign-key actions, triggers, views and inheritance, transitively (the written table too, when a chain comes back to it). */
  readonly tables: ReadonlySet<string>
  /** True when a trigger on the way changes tables we cannot name: assume the whole database changed. */
  readonly unknown: boolean
}

interface Index {
  readonly children: ReadonlyMap<string, readonly ForeignKeyFacts[]>
  readonly triggers: ReadonlyMap<string, readonly TriggerFacts[]>
  readonly related: ReadonlyMap<string, readonly string[]>
  readonly memo: Map<string, Reach>
}

const indexes = new WeakMap<Catalog, Index>()

function group<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const grouped = new Map<string, T[]>()
  for (const item of items) grouped.set(keyOf(item), [...(grouped.get(keyOf(item)) ?? []), item])
  return grouped
}

function indexOf(catalog: Catalog): Index {
  let index = indexes.get(catalog)
  if (!index) {
    // Partitions and inherited tables: a write to either side changes what a read of the other returns.
    const links = [...catalog.inherits.map((link) => [link.parent, link.child] as const), ...catalog.inherits.map((link) => [link.child, link.parent] as const)]
    const related = new Map<string, string[]>()
    for (const [from, to] of links) related.set(from, [...(related.get(from) ?? []), to])
    index = {
      children: group(catalog.foreignKeys, (key) => key.references),
      triggers: group(catalog.triggers, (trigger) => trigger.table),
      related,
      memo: new Map(),
    }
    indexes.set(catalog, index)
  }
  return index
}

const CHANGES_CHILD = new Set(['cascade', 'set null', 'set default'])

/** The writes one write causes directly. */
function step(catalog: Catalog, index: Index, { table, event }: WriteEffect): { next: WriteEffect[]; unknown: boolean } {
  const next: WriteEffect[] = []
  let unknown = false
  for (const key of index.children.get(table) ?? []) {
    // Deletes follow ON DELETE, key updates ON UPDATE; CASCADE on delete deletes, the rest update the child.
    // TRUNCATE ... CASCADE empties every referencing table.
    if (event === 'truncate') next.push({ table: key.table, event: 'truncate' })
    else if (event === 'delete' && CHANGES_CHILD.has(key.onDelete ?? '')) {
      next.push({ table: key.table, event: key.onDelete === 'cascade' ? 'delete' : 'update' })
    } else if (event === 'update' && CHANGES_CHILD.has(key.onUpdate ?? '')) next.push({ table: key.table, event: 'update' })
  }
  for (const trigger of index.triggers.get(table) ?? []) {
    if (!trigger.events.includes(event)) continue
    if (trigger.writesUnknown) unknown = true
    next.push(...trigger.writes)
  }
  // A write to an updatable view writes the tables under it.
  for (const base of catalog.views.get(table) ?? []) next.push({ table: base, event })
  for (const other of index.related.get(table) ?? []) next.push({ table: other, event })
  return { next, unknown }
}

function reachOne(catalog: Catalog, start: WriteEffect): Reach {
  const index = indexOf(catalog)
  const memoKey = `${start.event}\u0000${start.table}`
  const known = index.memo.get(memoKey)
  if (known) return known
  const tables = new Set<string>()
  const seen = new Set<string>([memoKey])
  const queue = [start]
  let unknown = false
  while (queue.length > 0) {
    const found = step(catalog, index, queue.pop() as WriteEffect)
    unknown ||= found.unknown
    for (const effect of found.next) {
      tables.add(effect.table)
      const key = `${effect.event}\u0000${effect.table}`
      if (seen.has(key)) continue
      seen.add(key)
      queue.push(effect)
    }
  }
  const reach = { tables, unknown }
  index.memo.set(memoKey, reach)
  return reach
}

/**
 * What a set of writes reaches through the catalog: foreign-key actions (ON DELETE for deletes,
 * ON UPDATE for updates), triggers (a write to `users` whose trigger inserts into `audit` changes
 * `audit`), updatable views and inheritance, transitively. Memoised per catalog.
 */
export function reachOf(catalog: Catalog | undefined, effects: readonly WriteEffect[]): Reach {
  if (!catalog) return { tables: new Set(), unknown: false }
  const tables = new Set<string>()
  let unknown = false
  for (const effect of effects) {
    const reach = reachOne(catalog, effect)
    unknown ||= reach.unknown
    for (const table of reach.tables) tables.add(table)
  }
  return { tables, unknown }
}

/** Every write event, for callers that know a table changed but not how. */
export const ALL_WRITE_EVENTS: readonly WriteEvent[] = ['insert', 'update', 'delete', 'truncate']
