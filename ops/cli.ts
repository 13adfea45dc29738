import { Command } from 'commander';

const program = new Command()
  .name('econsulat')
  .description(
    'e-Consulat RCA: mission nodes and the ministry hub, linked by signed, encrypted MQTT messages.',
  )
  .version(process.env.npm_package_version ?? '0.1.0')
  .showHelpAfterError();

/**
 * Each command family is loaded only when it is the one asked for (all of them for the help):
 * a mission node started with `econsulat node run` then never loads the hub's embedded
 * PostgreSQL and broker, which would cost it tens of megabytes of resident memory.
 */
const families: Record<string, (program: Command) => Promise<void>> = {
  demo: async (p) => (await import('./commands/demo.js')).registerDemoCommand(p),
  hub: async (p) => (await import('./commands/hub.js')).registerHubCommands(p),
  keys: async (p) => (await import('./commands/keys.js')).registerKeysCommands(p),
  node: async (p) => {
    const { readNodeConfig, registerNodeCommands } = await import('./commands/node.js');
    const { registerNodeMaintenanceCommands } = await import('./commands/node-maintenance.js');
    const { registerVisaSignerCommands } = await import('./commands/node-visa-signer.js');
    const node = registerNodeCommands(p);
    registerNodeMaintenanceCommands(node);
    registerVisaSignerCommands(node, readNodeConfig);
  },
  audit: async (p) => (await import('./commands/node-maintenance.js')).registerAuditCommands(p),
  loadgen: async (p) => (await import('./commands/loadgen.js')).registerLoadgenCommand(p),
  bench: async (p) => (await import('./commands/bench.js')).registerBenchCommand(p),
  vectors: async (p) => (await import('./commands/vectors.js')).registerVectorsCommand(p),
  visa: async (p) => (await import('./commands/visa-verify.js')).registerVisaCommands(p),
  registry: async (p) => {
    (await import('./commands/registry.js')).registerRegistryCommands(p);
  },
};

const asked = process.argv[2];
const chosen = asked && Object.hasOwn(families, asked) ? [families[asked]] : Object.values(families);
for (const register of chosen) await register?.(program);

await program.parseAsync(process.argv);
