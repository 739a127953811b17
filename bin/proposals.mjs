#!/usr/bin/env node
// The `proposals` command. Runs the TypeScript sources through tsx (Node 22+).
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
