/** Request deadlines: one sweeper for all in-flight requests instead of a timer each. */
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { Deadlines } from '../../../src/http/timeout.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Deadlines', () => {
  it('passes through work that answers in time, and forgets it', async () => {
    const d = new Deadlines(200);
    const result = d.run(async () => {
      await sleep(5);
      return 'ok';
    });
    expect(d.size).toBe(1);
    await expect(result).resolves.toBe('ok');
    expect(d.size).toBe(0);
  });

  it('fails work past the deadline with a 504 HTTPException', async () => {
    const d = new Deadlines(50);
    const started = performance.now();
    const err = await Promise.resolve(d.run(() => sleep(1000).then(() => 'late'))).catch((e: unknown) => e);
    const waited = performance.now() - started;
    expect(err).toBeInstanceOf(HTTPException);
    expect((err as HTTPException).status).toBe(504);
    expect((err as HTTPException).message).toContain('50 ms');
    // Fires at the deadline, at most one sweep (10 ms here) plus scheduling late.
    expect(waited).toBeGreaterThanOrEqual(49);
    expect(waited).toBeLessThan(500);
    expect(d.size).toBe(0);
  });

  it('keeps the work’s own failure', async () => {
    const d = new Deadlines(200);
    await expect(
      d.run(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(d.size).toBe(0);
  });

  it('expires only the late ones among many', async () => {
    const d = new Deadlines(60);
    const fast = Array.from({ length: 50 }, (_, i) => d.run(() => sleep(i % 5).then(() => i)));
    const slow = d.run(() => sleep(1000).then(() => 'late'));
    await expect(Promise.all(fast)).resolves.toHaveLength(50);
    await expect(slow).rejects.toMatchObject({ status: 504 });
    expect(d.size).toBe(0);
  });

  it('answers synchronous work directly, and 0 means no deadline', async () => {
    expect(new Deadlines(100).run(() => 7)).toBe(7);
    const none = new Deadlines(0);
    await expect(none.run(() => sleep(30).then(() => 'slow but fine'))).resolves.toBe('slow but fine');
    expect(none.size).toBe(0);
  });
});
