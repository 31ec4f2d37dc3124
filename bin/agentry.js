#!/usr/bin/env -S node --max-semi-space-size=16
// Runs the TypeScript sources directly with Node's type stripping (Node >= 22.18 / 24), with a 16 MiB young
// generation (README, Memory).
import '../src/main.ts';
