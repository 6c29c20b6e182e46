/**
 * A Map that forgets everything once it holds `limit` keys. Per-isolate memos (recent bumps, fill
 * times, large keys) only help for a short while, and an isolate lives for hours: a hard cap keeps
 * memory flat whatever the traffic, at the price of an occasional cold memo.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly #limit: number

  constructor(limit: number) {
    super()
    this.#limit = limit
  }

  override set(key: K, value: V): this {
    if (this.size >= this.#limit && !this.has(key)) this.clear()
    return super.set(key, value)
  }
}
