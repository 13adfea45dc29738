import { Command } from 'commander';
import { registerBenchCommand } from './commands/bench.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerHubCommands } from './commands/hub.js';
import { registerKeysCommands } from './commands/keys.js';
import { registerNodeCommands } from './commands/node.js';
import { registerAuditCommands, registerNodeMaintenanceCommands } from './commands/node-maintenance.js';
import { registerVectorsCommand } from './commands/vectors.js';

const program = new Command()
  .name('econsulat')
  .description(
    'e-Consulat RCA: mission nodes and the ministry hub, linked by signed, encrypted MQTT messages.',
  )
  .version(process.env.npm_package_version ?? '0.1.0')
  .showHelpAfterError();

registerDemoCommand(program);
registerHubCommands(program);
registerKeysCommands(program);
registerNodeMaintenanceCommands(registerNodeCommands(program));
registerAuditCommands(program);
registerBenchCommand(program);
registerVectorsCommand(program);

await program.parseAsync(process.argv);
