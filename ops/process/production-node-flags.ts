/**
 * The V8 options a mission node runs with in production (ops/systemd/econsulat-node.service), and
 * the benchmarks with it. V8 lets the young generation grow to 16 MB per semi-space and keeps it
 * committed once grown: 34 MB of the idle node's resident memory. At 4 MB per semi-space the
 * collector scavenges more often, each time less; the booking benchmark showed no difference
 * beyond its noise (BENCHMARKS.md).
 */
export const PRODUCTION_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
