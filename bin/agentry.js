#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=16
// Runs the TypeScript sources directly with Node's type stripping (Node >= 22.18 / 24), with a 16 MiB young
// generation per semi-space and two malloc arenas (README, Memory).
import '../src/main.ts';
