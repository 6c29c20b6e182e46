// node-postgres inside local workerd: one write per query instead of five.
//
// workerd's outbound sockets have no TCP_NODELAY, and pg's extended protocol (every query with
// parameters) writes Parse, Bind, Describe, Execute and Sync as separate small writes; Nagle's
// algorithm and PostgreSQL's delayed ACK then hold each query about 40 ms on 127.0.0.1. A Node
// socket avoids this with setNoDelay(true), which pg calls and this socket cannot honour. Writes
// issued in the same tick are sent as one, which restores the Node behaviour without touching
// what is sent. Local transport only: in production the Worker talks to Hyperdrive.
import { CloudflareSocket } from 'pg-cloudflare'

type Callback = (error?: unknown) => void

export class CoalescingPgSocket extends CloudflareSocket {
  #chunks: Uint8Array[] = []
  #callbacks: Callback[] = []

  override write(data: Uint8Array | string, encodingOrCallback?: BufferEncoding | Callback, callback?: Callback): boolean {
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : (callback ?? (() => {}))
    const bytes = typeof data === 'string' ? Buffer.from(data, typeof encodingOrCallback === 'string' ? encodingOrCallback : 'utf8') : data
    if (bytes.length === 0) {
      done()
      return true
    }
    if (this.#chunks.length === 0) queueMicrotask(() => this.#flush())
    this.#chunks.push(bytes)
    this.#callbacks.push(done)
    return true
  }

  #flush(): void {
    const chunks = this.#chunks
    const callbacks = this.#callbacks
    this.#chunks = []
    this.#callbacks = []
    super.write(Buffer.concat(chunks), (error?: unknown) => {
      for (const done of callbacks) done(error)
    })
  }
}

/** pg `stream` option: a coalescing socket per connection. */
export const coalescingPgStream = (config: { ssl?: unknown }) => new CoalescingPgSocket(Boolean(config.ssl))
