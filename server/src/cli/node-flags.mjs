// The flags every Switchyard server process runs with (npm start, npm run dev, the `switchyard`
// command, the Docker image and the bench's gateways; node-flags.test.ts keeps them in step).
// --no-node-snapshot: isolated-vm needs it in every process that creates an isolate.
// --heap-growing-percent=25: V8 otherwise lets an idle-looking heap grow to several times what is
// live before collecting (a gateway's live heap is ~70 MB; its RSS reached 430 MB under load).
// --max-semi-space-size=16: the young generation. 8 MB semi-spaces saved ~8 MB of RSS but cost
// ~10% of the requests/s (more scavenges, more short-lived request objects promoted). Neither
// flag caps the heap: a real need for memory still gets it.
// --no-allocation-site-pretenuring: V8 otherwise learns at start-up (when nearly everything
// allocated lives on) to allocate objects from some sites straight into the old generation. Later
// request objects from those sites then hold young ones alive through every scavenge until a full
// collection: 1.5-3 MB promoted per scavenge and a mark-compact about every second. Without it,
// 10-20% less CPU per request at concurrency 32 (docs/performance.md).
export const NODE_FLAGS = ['--no-node-snapshot', '--max-semi-space-size=16', '--heap-growing-percent=25', '--no-allocation-site-pretenuring'];

// The package.json "exports" condition that selects the compiled build (server/build.mjs) over the
// TypeScript sources: `node --conditions=switchyard-compiled server/dist/main.js`.
export const COMPILED_CONDITION = 'switchyard-compiled';

// The flags of a process running the compiled build (npm start, the `switchyard` command, Docker).
export const COMPILED_FLAGS = [...NODE_FLAGS, `--conditions=${COMPILED_CONDITION}`];
