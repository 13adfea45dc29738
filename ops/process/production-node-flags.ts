/**
 * The V8 options a mission node runs with in production (ops/systemd/econsulat-node.service), and
 * the benchmarks with it. V8 lets the young generation grow to 16 MB per semi-space and keeps it
 * committed once grown: 34 MB of the idle node's resident memory (148.8 MB with 100,000 files,
 * against a 150 MB target). At 8 MB it keeps 8 MB more than at 4 (141.0 against 134.5 MB), and a
 * booking costs 5–6 % less time in process: under load the collector scavenges half as often,
 * each time the requests in flight (BENCHMARKS.md).
 */
export const PRODUCTION_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
