#!/usr/bin/env -S node --max-semi-space-size=64 --expose-gc
// The development entry: the TypeScript sources through tsx's loader, no build between an edit and a run
// (production runs the compiled dist/cli/main.js: `npm run build`).
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
