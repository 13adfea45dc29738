#!/usr/bin/env node
// Runs the TypeScript command line directly: no build step for the agents who install this.
import { register } from 'tsx/esm/api';

register();
await import('../cli.ts');
