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

/**
 * A per-isolate memo keyed by text: query material, entry headers, stamps. Keyed by the whole
 * text, never a hash of it, so two texts cannot share a value. Capped by entries and by the
 * characters its keys hold; when either cap is reached it starts over, so memory stays flat
 * whatever the traffic, hostile or not. Texts longer than `maxKeyChars` are not kept.
 */
export class TextMemo<V> {
  readonly #values = new Map<string, V>()
  readonly #maxEntries: number
  readonly #maxChars: number
  readonly #maxKeyChars: number
  #chars = 0

  constructor(limits: { readonly maxEntries: number; readonly maxChars: number; readonly maxKeyChars: number }) {
    this.#maxEntries = limits.maxEntries
    this.#maxChars = limits.maxChars
    this.#maxKeyChars = limits.maxKeyChars
  }

  get(text: string): V | undefined {
    return this.#values.get(text)
  }

  set(text: string, value: V): void {
    if (text.length > this.#maxKeyChars) return
    if (this.#values.size >= this.#maxEntries || this.#chars + text.length > this.#maxChars) {
      this.#values.clear()
      this.#chars = 0
    }
    this.#values.set(text, value)
    this.#chars += text.length
  }
}
