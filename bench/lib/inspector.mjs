// workerd's V8 inspector (Miniflare `inspectorPort`): heap snapshots of one Worker's isolate.
import WebSocket from 'ws'

/** Connects to the inspector of the Worker whose target id starts with `targetPrefix` (Miniflare: `core:user:<name>`). */
export async function connectInspector(port, targetPrefix) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json()
  const target = targets.find((candidate) => candidate.id.startsWith(targetPrefix))
  if (!target) throw new Error(`no inspector target ${targetPrefix}; found ${targets.map((t) => t.id).join(', ')}`)
  const socket = new WebSocket(target.webSocketDebuggerUrl, { maxPayload: 1024 * 1024 * 1024 })
  await new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  let nextId = 0
  const pending = new Map()
  let chunks = []
  socket.on('message', (raw) => {
    const message = JSON.parse(raw)
    if (message.method === 'HeapProfiler.addHeapSnapshotChunk') chunks.push(message.params.chunk)
    else if (pending.has(message.id)) {
      pending.get(message.id)(message)
      pending.delete(message.id)
    }
  })
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      const id = ++nextId
      pending.set(id, resolve)
      socket.send(JSON.stringify({ id, method, params }))
    })
  return {
    /** A heap snapshot (V8 collects garbage first): live bytes in total and per node name. */
    async heapSnapshot() {
      chunks = []
      await send('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
      return summarize(JSON.parse(chunks.join('')))
    },
    close: () => socket.close(),
  }
}

// Node names as DevTools groups them: constructor names for objects, `(type)` for the rest.
function summarize(snapshot) {
  const fields = snapshot.snapshot.meta.node_fields
  const types = snapshot.snapshot.meta.node_types[0]
  const width = fields.length
  const typeAt = fields.indexOf('type')
  const nameAt = fields.indexOf('name')
  const sizeAt = fields.indexOf('self_size')
  const byName = new Map()
  let totalBytes = 0
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]]
    const size = snapshot.nodes[i + sizeAt]
    const name = type === 'object' || type === 'closure' ? snapshot.strings[snapshot.nodes[i + nameAt]] : `(${type})`
    const group = byName.get(name) ?? { count: 0, bytes: 0 }
    group.count++
    group.bytes += size
    byName.set(name, group)
    totalBytes += size
  }
  return { totalBytes, byName }
}

/** Groups whose live bytes grew most from `before` to `after`: [{ name, countDelta, bytesDelta }]. */
export function topGrowth(before, after, limit = 5) {
  return [...after.byName]
    .map(([name, group]) => ({
      name,
      countDelta: group.count - (before.byName.get(name)?.count ?? 0),
      bytesDelta: group.bytes - (before.byName.get(name)?.bytes ?? 0),
    }))
    .sort((a, b) => b.bytesDelta - a.bytesDelta)
    .slice(0, limit)
}
