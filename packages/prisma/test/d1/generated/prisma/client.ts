// Where an app keeps its generated client; the test suite generates the real one under test/.generated.
export * from '../../../.generated/d1/client/client.ts'
