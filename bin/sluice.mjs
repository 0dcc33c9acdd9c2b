#!/usr/bin/env -S node --max-semi-space-size=64 --expose-gc
// Sluice is written in TypeScript and run through tsx's loader: no build step between an edit and a run.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
