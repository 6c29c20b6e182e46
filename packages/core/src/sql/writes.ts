import { nameAt } from './names'
import { isPunct, isWord, type Token } from './tokens'

/** The kind of change a write makes to a table (what fires triggers and foreign-key actions). */
export type WriteEvent = 'insert' | 'update' | 'delete' | 'truncate'

/** One table a statement changes, and how. */
export interface WriteEffect {
  readonly table: string
  readonly event: WriteEvent
}

/** What the writes scan found in a token range. */
export interface WriteScan {
  readonly effects: readonly WriteEffect[]
  /** Tables and other objects a DDL statement creates, drops or alters. */
  readonly ddlTargets: readonly string[]
}

/** Words after which `update` is not a statement: `for update`, `do update`, `on update cascade`, `for no key update`. */
const NOT_AN_UPDATE = ['for', 'do', 'on', 'key', 'share']

const DDL_OBJECTS = ['table', 'view', 'index', 'trigger']

/** `update [or x] [only] name [*] [[as] alias] set`: the target, or undefined when `update` starts no statement. */
function updateTarget(tokens: readonly Token[], index: number): { table: string; orReplace: boolean } | undefined {
  if (isWord(tokens[index - 1], ...NOT_AN_UPDATE)) return undefined
  let i = index + 1
  const orReplace = isWord(tokens[i], 'or') && isWord(tokens[i + 1], 'replace')
  if (isWord(tokens[i], 'or')) i += 2
  if (isWord(tokens[i], 'only')) i++
  const found = nameAt(tokens, i)
  if (!found) return undefined
  i = found.next
  if (isPunct(tokens[i], '*')) i++
  if (isWord(tokens[i], 'as')) i++
  if (!isWord(tokens[i], 'set') && (tokens[i]?.type === 'word' || tokens[i]?.type === 'ident')) i++
  return isWord(tokens[i], 'set') ? { table: found.name, orReplace } : undefined
}

/** `truncate [table] [only] a [*], b`: the tables. */
function truncateTargets(tokens: readonly Token[], index: number): string[] {
  const tables: string[] = []
  let i = isWord(tokens[index + 1], 'table') ? index + 2 : index + 1
  for (;;) {
    if (isWord(tokens[i], 'only')) i++
    const found = nameAt(tokens, i)
    if (!found) return tables
    tables.push(found.name)
    i = found.next
    if (isPunct(tokens[i], '*')) i++
    if (!isPunct(tokens[i], ',')) return tables
    i++
  }
}

/** `create|drop|alter [...] table|view|index|trigger [if [not] exists] name [, name]`: the names. */
function ddlTargets(tokens: readonly Token[], index: number, to: number): string[] {
  let i = index + 1
  while (i < to && !isWord(tokens[i], ...DDL_OBJECTS) && i < index + 6) i++
  if (!isWord(tokens[i], ...DDL_OBJECTS)) return []
  i++
  if (isWord(tokens[i], 'concurrently')) i++
  if (isWord(tokens[i], 'if')) i += isWord(tokens[i + 1], 'not') ? 3 : 2
  const targets: string[] = []
  for (;;) {
    const found = nameAt(tokens, i)
    if (!found) return targets
    targets.push(found.name)
    i = found.next
    if (!isWord(tokens[index], 'drop') || !isPunct(tokens[i], ',')) return targets
    i++
  }
}

/** The effects of the write keyword at `index`, or none when the word starts no write there. */
function effectsAt(tokens: readonly Token[], index: number, upsert: boolean): WriteEffect[] {
  const token = tokens[index] as Token
  const next = (offset: number) => tokens[index + offset]
  const of = (start: number, events: WriteEvent[]): WriteEffect[] => {
    const found = nameAt(tokens, start)
    return found ? events.map((event) => ({ table: found.name, event })) : []
  }
  switch (token.text) {
    case 'insert': {
      const orWord = isWord(next(1), 'or') ? next(2)?.text : undefined
      const at = orWord === undefined ? 1 : 3
      if (!isWord(next(at), 'into')) return []
      const events: WriteEvent[] = ['insert']
      // INSERT OR REPLACE deletes the conflicting rows first; an upsert updates them.
      if (orWord === 'replace') events.push('delete')
      if (upsert) events.push('update')
      return of(index + at + 1, events)
    }
    case 'replace':
      return isWord(next(1), 'into') && !isWord(tokens[index - 1], 'or') ? of(index + 2, ['insert', 'delete']) : []
    case 'update': {
      const target = updateTarget(tokens, index)
      if (!target) return []
      return target.orReplace
        ? [
            { table: target.table, event: 'update' },
            { table: target.table, event: 'delete' },
          ]
        : [{ table: target.table, event: 'update' }]
    }
    case 'delete':
      return isWord(next(1), 'from') ? of(isWord(next(2), 'only') ? index + 3 : index + 2, ['delete']) : []
    case 'merge':
      return isWord(next(1), 'into') ? of(index + 2, ['insert', 'update', 'delete']) : []
    case 'truncate':
      return truncateTargets(tokens, index).map((table) => ({ table, event: 'truncate' }))
    case 'refresh':
      if (!isWord(next(1), 'materialized') || !isWord(next(2), 'view')) return []
      return of(isWord(next(3), 'concurrently') ? index + 4 : index + 3, ['delete', 'insert'])
    default:
      return []
  }
}

/**
 * Every table changed by the statement (or trigger body) in tokens `[from, to)`: INSERT, UPDATE,
 * DELETE, REPLACE, MERGE, TRUNCATE, REFRESH MATERIALIZED VIEW anywhere in it, data-modifying CTEs
 * included; plus the objects named by DDL.
 */
export function scanWrites(tokens: readonly Token[], from: number, to: number): WriteScan {
  let upsert = false
  for (let index = from; index < to - 1; index++) {
    if (isWord(tokens[index], 'do') && isWord(tokens[index + 1], 'update')) upsert = true
    if (isWord(tokens[index], 'duplicate') && isWord(tokens[index + 1], 'key')) upsert = true
  }
  const effects: WriteEffect[] = []
  const targets: string[] = []
  const seen = new Set<string>()
  for (let index = from; index < to; index++) {
    const token = tokens[index] as Token
    if (token.type !== 'word') continue
    if (token.text === 'create' || token.text === 'drop' || token.text === 'alter') {
      targets.push(...ddlTargets(tokens, index, to))
      continue
    }
    for (const effect of effectsAt(tokens, index, upsert)) {
      const key = `${effect.table}\u0000${effect.event}`
      if (!seen.has(key)) effects.push(effect)
      seen.add(key)
    }
  }
  return { effects, ddlTargets: [...new Set(targets)] }
}
