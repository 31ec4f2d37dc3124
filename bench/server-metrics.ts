/**
 * What the benchmarks read from a running server's `/metrics`: parked command polls, how long a scrape
 * takes, the request-duration histogram of one route, the V8 heap in use.
 */

/** Command polls parked on the server now (`command_pollers_parked`). */
export async function parkedCount(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  return Number(/^command_pollers_parked (\d+)$/m.exec(text)?.[1] ?? 0);
}

/** How long a /metrics scrape takes (median of 5, one at a time): the server answers nothing else meanwhile. */
export async function scrapeTime(origin: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await (await fetch(`${origin}/metrics`)).text();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[2]!;
}

/** The mean time the server took over a route's answers so far, from its request duration histogram. */
export async function serverSideMs(origin: string, method: string, route: string): Promise<number> {
  const { sum, count } = await serverSideTotals(origin, method, route);
  return (sum / count) * 1000;
}

/** The server's request-duration histogram for one route: seconds in all, and requests. */
export async function serverSideTotals(origin: string, method: string, route: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const pick = (suffix: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`http_request_duration_seconds_${suffix}{`) && l.includes(`route="${route}"`) && l.includes(`method="${method}"`))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return { sum: pick('sum'), count: pick('count') };
}

/** The server's V8 heap in use (live data and garbage not yet collected), in MiB, from its metrics. */
export async function heapUsedMiB(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? Number.NaN) / 1048576;
}
