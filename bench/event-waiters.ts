/**
 * Heap cost of parked event-feed readers (EventNotifier): `npm run bench:notifier [count]`. Long polls park
 * one waiter each, so this is the memory a server pays per waiting reader. A measurement, not a test: the
 * heap figure depends on the garbage collector, so it is printed here rather than asserted in the suite.
 */
import { EventNotifier } from '../src/services/events/notifier.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:notifier does)');
const count = Number(process.argv[2] ?? 10_000);
gc();
const before = process.memoryUsage().heapUsed;
const notifier = new EventNotifier();
const waiters = Array.from({ length: count }, (_, i) => notifier.wait(`tenant-${i % 100}`, 0, 60_000));
gc();
const grown = process.memoryUsage().heapUsed - before;
console.log(`${count} parked waiters: ${Math.round(grown / count)} bytes each (heap +${(grown / 1048576).toFixed(1)} MiB)`);
notifier.close();
await Promise.all(waiters.map((w) => w.woken));
