// Where the README's Worker finds its generated client (src/generated/prisma); the test suite generates the real one under test/.generated.
export * from '../../../../.generated/d1/client/client.ts'
