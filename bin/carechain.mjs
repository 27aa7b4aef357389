#!/usr/bin/env node
// The `carechain` command. The code is TypeScript run through tsx's loader, so a clone works
// right after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
