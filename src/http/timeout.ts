import { HTTPException } from 'hono/http-exception';

/** Fails a handler that has not answered within `ms` with 504 (0 = no deadline, for long polls). */
export async function withTimeout<T>(ms: number, work: () => T | Promise<T>): Promise<T> {
  if (ms <= 0) return work();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new HTTPException(504, { message: `no answer within ${ms} ms` })), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
