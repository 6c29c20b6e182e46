// A Worker with nothing in it: the baseline the core-kv entry is measured against.
export default {
  fetch(): Response {
    return new Response('ok')
  },
}
