/**
 * The `fleet` scenario: `agentry sim` drives N simulated agents (10,000 by default, `--agents`) on their
 * real intervals compressed `--fleet-rate` times (heartbeat 300 s, samples, results and command polls
 * 60 s, inventory hourly), with the mix of requests a real fleet sends instead of one request kind at full
 * speed. It reports the server's CPU and RSS over the steady state (after enrolment) and the p95 of each
 * request kind as the simulator measured it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SimResult } from '../src/sim/run.ts';
import { round } from './load.ts';
import { cpuSeconds, logTail, rssMiB, startNode } from './processes.ts';
import type { RunContext, RunStep } from './scenarios.ts';

const root = resolve(import.meta.dirname, '..');

export function fleetStep(ctx: RunContext): RunStep {
  return {
    name: 'fleet',
    run: async () => {
      const json = join(ctx.tmpDir, 'fleet-sim.json');
      const logFile = join(ctx.tmpDir, 'fleet-sim.log');
      const { agents, rate, durationSec } = ctx.fleetSim;
      const sim = startNode(
        'sim',
        ['src/main.ts', 'sim', '--server', ctx.agentryUrl, '--token', ctx.adminToken, '--agents', String(agents), '--duration', String(durationSec), '--rate', String(rate), '--sockets', '512', '--json', json],
        { cwd: root, env: process.env, logFile },
      );
      // The steady state starts when the simulator says its fleet is enrolled.
      while (!(existsSync(logFile) && readFileSync(logFile, 'utf8').includes('enrolled '))) {
        if (await Promise.race([sim.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 250))])) throw new Error(`agentry sim exited before enrolling:\n${logTail(logFile)}`);
      }
      const pid = ctx.agentryPid();
      const [cpu0, t0] = [cpuSeconds(pid), performance.now()];
      let rssPeak = 0;
      const sampler = setInterval(() => {
        rssPeak = Math.max(rssPeak, rssMiB(pid) ?? 0);
      }, 1000);
      const code = await sim.exited;
      clearInterval(sampler);
      const [cpu1, t1] = [cpuSeconds(pid), performance.now()];
      if (!existsSync(json)) throw new Error(`agentry sim wrote no summary (exit ${code}):\n${logTail(logFile)}`);
      const result = JSON.parse(readFileSync(json, 'utf8')) as SimResult; // written by agentry sim --json
      const cpuPct = cpu0 === null || cpu1 === null ? null : round(((cpu1 - cpu0) / ((t1 - t0) / 1000)) * 100, 0);
      const requests = result.kinds.reduce((n, k) => n + k.requests, 0);
      const notes = [
        `fleet: ${result.agents} simulated agents (${result.online} online at the end), real intervals ÷ ${rate}, ${durationSec} s after enrolling them in ${round(result.enrollSec, 1)} s; ${requests} requests, ${result.errors} errors, ${result.throttled} answered 429/503 and sent again`,
        `fleet: server CPU ${cpuPct ?? '?'} % of a core over the steady state, RSS peak ${rssPeak} MiB (end ${rssMiB(pid) ?? '?'} MiB)`,
        `fleet enrolment: ${result.enrolment.map((k) => `${k.kind} p95 ${k.p95Ms} ms`).join(', ')}`,
        ...result.kinds.map((k) => `fleet ${k.kind.padEnd(9)}: ${k.requests} requests, ${k.perSec} req/s, p50 ${k.p50Ms} ms, p95 ${k.p95Ms} ms, max ${k.maxMs} ms, ${k.errors} errors, ${k.throttled} throttled`),
      ];
      for (const line of notes) console.log(line);
      // Rate limits are off here, so a 429 or 503 is the server shedding load: the simulator sends it again, and
      // the run counts it with the failures.
      const refused = result.errors + result.throttled;
      const failure =
        requests === 0 || refused / requests > 0.01
          ? `fleet: ${result.errors} of ${requests} requests failed and ${result.throttled} were answered 429/503 (${result.errorSamples.slice(0, 3).join('; ')})`
          : undefined;
      return { notes, failure };
    },
  };
}
