/**
 * Preloaded into the instances the chaos suite starts (node --expose-gc --import), never into the product:
 * SIGUSR2 runs a full garbage collection, so that memory before and after the faults is compared on live
 * data rather than on whatever garbage the load happened to leave.
 */
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) process.on('SIGUSR2', () => gc());
