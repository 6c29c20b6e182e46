import { canonicalName } from '../relation-names'
import { isPunct, type Token } from './tokens'

export { canonicalName, canonicalTable, relationSpellings } from '../relation-names'

/** A relation name read from tokens, and the index of the first token after it. */
export interface NameAt {
  readonly name: string
  /** The last part (the table itself), lower-cased: what a qualified column like `posts.id` names. */
  readonly base: string
  /** True when the name has a schema (or database) part. */
  readonly qualified: boolean
  readonly next: number
}

/** Reads `name`, `schema.name` or `db.schema.name` starting at token `index`. */
export function nameAt(tokens: readonly Token[], index: number): NameAt | undefined {
  const parts: string[] = []
  let i = index
  for (;;) {
    const token = tokens[i]
    if (!token || (token.type !== 'word' && token.type !== 'ident')) return undefined
    parts.push(token.text)
    i++
    if (!isPunct(tokens[i], '.') || parts.length === 3) break
    i++
  }
  return { name: canonicalName(parts), base: (parts[parts.length - 1] as string).toLowerCase(), qualified: parts.length > 1, next: i }
}
