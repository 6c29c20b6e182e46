// Where the README's Worker finds its generated model graph (src/generated/kvcache); the test suite generates the real one under test/.generated.
export * from '../../../../.generated/d1/kvcache/models.js'
