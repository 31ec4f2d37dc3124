#!/usr/bin/env -S node --max-semi-space-size=32
// Runs the TypeScript sources directly with Node's type stripping (Node >= 22.18 / 24), with a 32 MiB young
// generation per semi-space (README, Memory).
import '../src/main.ts';
