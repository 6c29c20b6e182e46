// Where an app keeps the generated model graph; the test suite generates the real one under test/.generated.
export * from '../../../.generated/d1/kvcache/models.js'
