/** Texts longer than this are analysed every time instead of being kept as memo keys. */
const MAX_MEMO_KEY_CHARS = 16_384

/**
 * A bounded memo: an app sends the same few hundred statements over and over, so the analysis of
 * each text is kept, up to `limit` entries (the oldest one leaves first). Module-level memos are
 * created with a pure annotation, so a bundle that never uses one drops it (and what it reads)
 * even from our dist files, where the modules are concatenated.
 */
export function boundedMemo<T>(limit: number, compute: (key: string) => T): (key: string) => T {
  const memo = new Map<string, T>()
  return (key) => {
    if (key.length > MAX_MEMO_KEY_CHARS) return compute(key)
    if (memo.has(key)) return memo.get(key) as T
    const value = compute(key)
    if (memo.size >= limit) memo.delete(memo.keys().next().value as string)
    memo.set(key, value)
    return value
  }
}
