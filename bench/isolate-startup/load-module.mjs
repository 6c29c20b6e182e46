// Run in a fresh Node process: prints how long V8 takes to compile and evaluate one bundled Worker
// module (what an isolate does before its first request), in milliseconds.
const started = performance.now()
await import(process.argv[2])
process.stdout.write(String(performance.now() - started))
