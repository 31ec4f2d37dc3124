#!/usr/bin/env node
// Runs the TypeScript sources directly with Node's type stripping (Node >= 22.18 / 24).
import '../src/main.ts';
