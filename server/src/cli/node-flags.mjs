// The flags every Switchyard server process runs with (npm start, the `switchyard` command, the
// Docker image and the bench's gateways; test/api/node-flags.test.ts keeps them in step).
// --no-node-snapshot: isolated-vm needs it in every process that creates an isolate.
// --max-semi-space-size=8, --heap-growing-percent=25: V8 otherwise lets an idle-looking heap grow
// to several times what is live before collecting (a gateway's live heap is ~70 MB; its RSS reached
// 430 MB under load); with these, RSS stays flat around 210 MB for under one point more GC time.
// Neither caps the heap: a real need for memory still gets it.
export const NODE_FLAGS = ['--no-node-snapshot', '--max-semi-space-size=8', '--heap-growing-percent=25'];
