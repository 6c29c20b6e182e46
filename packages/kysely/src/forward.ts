/**
 * Copies onto `wrapper` a forwarder for every method of `original` that the wrapper does not
 * define itself, so members added by later Kysely versions or by a driver keep working.
 */
export function forwardOthers(original: object, wrapper: object, own: ReadonlySet<string>): void {
  const target = wrapper as Record<string, unknown>
  for (const name of methodNames(original)) {
    if (own.has(name) || name in target) continue
    const method = (original as Record<string, (...args: unknown[]) => unknown>)[name] as (...args: unknown[]) => unknown
    target[name] = (...args: unknown[]) => method.apply(original, args)
  }
}

/** Function-valued members, own and inherited (class methods are not enumerable). */
function methodNames(object: object): Set<string> {
  const names = new Set<string>()
  for (let proto: object | null = object; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name)
      if (name !== 'constructor' && descriptor && typeof descriptor.value === 'function') names.add(name)
    }
  }
  return names
}
