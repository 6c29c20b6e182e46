/**
 * Relation names as scopes spell them. Every part of the cache that names a table (the SQL
 * planner, an ORM's model, `cache.invalidate({ tables })`, `wrap(..., { tables })`) goes through
 * `canonicalTable`, so `"public"."Posts"`, `public.posts` and `posts` are one table everywhere.
 */

/** Schemas that name the default namespace: `public.users` (PostgreSQL) and `main.users` (SQLite) are `users`. */
const DEFAULT_SCHEMAS = new Set(['public', 'main'])

const CLOSING: Readonly<Record<string, string>> = { '"': '"', '`': '`', '[': ']' }
const BARE = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*$/

/**
 * The canonical form of a relation name from its parts: lower-cased, the default schema dropped
 * (`["public", "Posts"]` -> `posts`, `["app", "accounts"]` -> `app.accounts`). Lower-casing may
 * merge two PostgreSQL names that differ only in case; that only over-invalidates.
 */
export function canonicalName(parts: readonly string[]): string {
  const lower = parts.map((part) => part.toLowerCase())
  if (lower.length > 1 && DEFAULT_SCHEMAS.has(lower[lower.length - 2] as string)) lower.splice(lower.length - 2, 1)
  return lower.join('.')
}

/** The parts of `name`, `schema.name` or `db.schema.name` (quoted with `"`, backticks or `[]`), or undefined for other text. */
function nameParts(text: string): string[] | undefined {
  const parts: string[] = []
  let i = 0
  while (parts.length < 3) {
    const open = text[i] as string
    const close = CLOSING[open]
    if (close !== undefined) {
      let part = ''
      let j = i + 1
      for (;;) {
        const end = text.indexOf(close, j)
        if (end < 0) return undefined
        part += text.slice(j, end)
        // A doubled closing quote is one quote character (not for `]`).
        if (close !== ']' && text[end + 1] === close) {
          part += close
          j = end + 2
          continue
        }
        i = end + 1
        break
      }
      parts.push(part)
    } else {
      const dot = text.indexOf('.', i)
      const word = text.slice(i, dot < 0 ? text.length : dot)
      if (!BARE.test(word)) return undefined
      parts.push(word)
      i += word.length
    }
    if (i === text.length) return parts
    if (text[i] !== '.') return undefined
    i++
  }
  return undefined
}

const MEMO_LIMIT = 2000
const memo = new Map<string, string>()

/**
 * Canonical name of a relation written by a person or an ORM: `posts`, `"Posts"`, `app.accounts`,
 * `"app"."accounts"`, `public.posts`. Text that is not a plain name is trimmed and lower-cased.
 *
 * @example
 * canonicalTable('"public"."Posts"') // 'posts'
 */
export function canonicalTable(written: string): string {
  const known = memo.get(written)
  if (known !== undefined) return known
  const trimmed = written.trim()
  const parts = nameParts(trimmed)
  const name = parts ? canonicalName(parts) : trimmed.toLowerCase()
  // Names come from code and schemas (a few hundred per app); the cap guards against per-request names.
  if (memo.size >= MEMO_LIMIT) memo.clear()
  if (written.length <= 512) memo.set(written, name)
  return name
}

/**
 * The names a canonical relation has for scopes: `app.posts` is also `posts`. An unqualified name
 * resolves through the connection's search path, which the cache cannot always see, so `posts`
 * may be `app.posts`: reads depend on every spelling and changes bump every spelling
 * (over-invalidating across schemas that share a table name, never missing a write). A name in
 * the default schema is already bare.
 *
 * @example
 * relationSpellings('app.posts') // ['app.posts', 'posts']
 */
export function relationSpellings(relation: string): string[] {
  const dot = relation.lastIndexOf('.')
  return dot < 0 ? [relation] : [relation, relation.slice(dot + 1)]
}
