import { boundedMemo } from './memo'
import { isPunct, tokenize, type Token } from './tokens'

/** Schemas that name the default namespace: `public.users` (PostgreSQL) and `main.users` (SQLite) are `users`. */
const DEFAULT_SCHEMAS = new Set(['public', 'main'])

/**
 * The canonical form of a relation name, shared by every part of the dependency index: quotes
 * removed, lower-cased, the default schema dropped (`"public"."Posts"` -> `posts`, `app.accounts`
 * stays `app.accounts`). Lower-casing may merge two PostgreSQL names that differ only in case;
 * that only over-invalidates, never under-invalidates.
 */
export function canonicalName(parts: readonly string[]): string {
  const lower = parts.map((part) => part.toLowerCase())
  if (lower.length > 1 && DEFAULT_SCHEMAS.has(lower[lower.length - 2] as string)) lower.splice(lower.length - 2, 1)
  return lower.join('.')
}

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

/**
 * Canonical name of a relation written by a person or an ORM: `posts`, `"Posts"`, `app.accounts`,
 * `"app"."accounts"`, `public.posts`. Text that is not a plain name is lower-cased as is.
 */
export function canonicalTable(qualified: string): string {
  return canonical(qualified)
}

// Planning canonicalises the same few names on every statement.
const canonical = /* @__PURE__ */ boundedMemo(2000, (qualified) => {
  const tokens = tokenize(qualified)
  const found = nameAt(tokens, 0)
  return found && found.next === tokens.length ? found.name : qualified.trim().toLowerCase()
})

/**
 * The names a canonical relation has for scopes: `app.posts` is also `posts`. An unqualified name
 * resolves through the connection's search path, which the cache cannot see, so `posts` may be
 * `app.posts`: reads depend on every spelling and writes bump every spelling (over-invalidating
 * across schemas that share a table name, never missing a write). A name in the default schema
 * is already bare.
 *
 * @example
 * relationSpellings('app.posts') // ['app.posts', 'posts']
 */
export function relationSpellings(relation: string): string[] {
  const dot = relation.lastIndexOf('.')
  return dot < 0 ? [relation] : [relation, relation.slice(dot + 1)]
}
