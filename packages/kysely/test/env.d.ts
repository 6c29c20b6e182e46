declare module 'vitest' {
  export interface ProvidedContext {
    /** The Kysely version this Vitest project pins `kysely` to. */
    kyselyVersion: '0.27' | '0.28' | '0.29'
  }
}

export {}
