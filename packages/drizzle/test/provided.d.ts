declare module 'vitest' {
  export interface ProvidedContext {
    /** The drizzle-orm version this Vitest project pins `drizzle-orm` to (both ends of the peer range). */
    drizzleVersion: string
  }
}

export {}
