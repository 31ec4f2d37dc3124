/** Tag `agent`: what agents call (Smotra-compatible claim flow, enrollment, heartbeat, report, inventory, key rotation, commands). */
import type { DeliveredCommand } from '../domain/command.ts';
import { longAnswer } from '../http/detached-answer.ts';
import { getClaimStatus } from '../services/agents/claim-status.ts';
import { ackCommand } from '../services/commands/ack.ts';
import { CommandDeliveries } from '../services/commands/deliveries.ts';
import { outputCapOf } from '../services/commands/output-cap.ts';
import { pollCommands } from '../services/commands/poll.ts';
import { uploadCommandOutput } from '../services/commands/upload-output.ts';
import { enrollAgent } from '../services/agents/enroll.ts';
import { recordHeartbeat } from '../services/agents/heartbeat.ts';
import { HeartbeatWrites } from '../services/agents/heartbeat-writes.ts';
import { registerAgent } from '../services/agents/register.ts';
import { rotateAgentKey } from '../services/agents/rotate-key.ts';
import { saveStatusReport } from '../services/agents/status-report.ts';
import { DomainError } from '../services/errors.ts';
import { submitInventory } from '../services/ingest/submit.ts';
import { submitResults } from '../services/results/submit.ts';
import { registerCommandMetrics } from '../observability/command-metrics.ts';
import type { HandlerDeps, SharedHandlerParts } from './deps.ts';
import { presentAgentCommand, presentExecution, presentOutputAppend } from './presenters/command.ts';
import { responder, type TagHandlers } from './types.ts';

export function agentApiHandlers({ config, ingest, metrics, repos, configuration }: HandlerDeps, { commandWakeups: wakeups }: SharedHandlerParts): TagHandlers<'agent'> {
  const agents = config.agents;
  // Postgres overlaps a few commits' disk waits; SQLite writes synchronously.
  const heartbeatWrites = new HeartbeatWrites(repos, repos.dialect === 'postgres' ? 2 : 1);
  const deliveries = new CommandDeliveries(repos.commands, repos.dialect === 'postgres' ? 4 : 1);
  const commandMetrics = registerCommandMetrics(
    metrics.registry,
    () => wakeups.waiting,
    () => repos.commands.countByState(),
  );
  return {
    registerAgent: async ({ body }, res, ctx) => {
      const { agentId, created, expiresAt } = await registerAgent({ ctx, input: body, expiryHours: agents.claimExpiryHours });
      const answer = { status: 'pending_claim' as const, pollUrl: `/agent/${agentId}/claim-status`, claimUrl: '/api/v1/agents/claim', expiresAt: expiresAt.toISOString() };
      return created ? res.json(201, answer) : res.json(200, answer);
    },

    getClaimStatus: async ({ params }, res, ctx) => {
      try {
        const status = await getClaimStatus({ ctx, input: { agentId: params.agentId } });
        return status.status === 'claimed' ? res.json(200, status) : res.json(200, { ...status, expiresAt: status.expiresAt.toISOString() });
      } catch (err) {
        if (err instanceof DomainError) throw err;
        // A polling Smotra agent exits on any non-200: a database hiccup must look like "still pending".
        ctx.log.error({ err }, 'claim status failed; answering pending');
        return res.json(200, { status: 'pending_claim', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), pollIn: 10 });
      }
    },

    enrollAgent: async ({ body }, res, ctx) => {
      const result = await enrollAgent({ ctx, input: body });
      const answer = {
        agentId: result.agentId,
        apiKey: result.apiKey,
        acceptedCapabilities: result.acceptedCapabilities,
        configurationUrl: `/api/v1/agent/${result.agentId}/configuration`,
        pollIntervalSec: agents.pollIntervalSec,
      };
      return result.reEnrolled ? res.json(200, answer) : res.json(201, answer);
    },

    sendHeartbeat: async ({ body }, res, ctx, c) => {
      // The key lookup during authentication left the agent's online state on the context.
      await recordHeartbeat({ ctx, input: { agent: c.get('agent')!, heartbeat: body }, writeIntervalSec: agents.heartbeatWriteIntervalSec, writes: heartbeatWrites });
      return res.empty(204);
    },

    sendStatusReport: async ({ params, body }, res, ctx) => {
      await saveStatusReport({ ctx, input: { agentId: params.agentId, report: body } });
      return res.empty(202);
    },

    submitInventory: async ({ body }, res, ctx) => {
      const result = await submitInventory({ ctx, input: body, sink: ingest.sink, limits: config.ingest });
      for (const r of result.rejected) ingest.metrics.samplesRejected.inc({ reason: r.reason });
      return res.json(202, result);
    },

    rotateAgentKey: async (_input, res, ctx) => {
      const { apiKey, previousKeyValidUntil } = await rotateAgentKey({ ctx, graceSec: agents.keyRotationGraceSec });
      return res.json(200, { apiKey, previousKeyValidUntil: previousKeyValidUntil.toISOString() });
    },

    submitResults: async ({ body }, res, ctx) => {
      const ack = await submitResults({ ctx, input: body, sink: ingest.sink, limits: config.ingest });
      return res.json(202, {
        submission_id: ack.submissionId,
        accepted: ack.accepted,
        duplicates_skipped: ack.duplicatesSkipped,
        received_at: ack.receivedAt.toISOString(),
        skipped: ack.skipped,
      });
    },

    // A long answer: once the poll parks, the request is detached (only the poll and a small record are held
    // until it answers), and the answer is built in the context it is written from.
    pollCommands: ({ query }, _res, ctx, c) =>
      longAnswer(c, (onPark) =>
        pollCommands({ ctx, input: { waitSec: query.wait ?? 0 }, wakeups, deliveries, onPark }).then((answer) => {
          commandMetrics.delivered.inc(answer.delivered.length);
          for (const d of answer.delivered) commandMetrics.deliveryLatency.observe(deliveryDelaySec(d));
          const body = { commands: answer.delivered.map(presentAgentCommand), cancel: answer.cancel };
          return (at) => responder<'pollCommands'>(at).json(200, body);
        }),
      ),

    ackCommand: async ({ params, body }, res, ctx) => {
      const ack = { status: body.status, exitCode: body.exitCode, startedAt: new Date(body.startedAt), finishedAt: new Date(body.finishedAt), error: body.error ?? null };
      return res.json(200, presentExecution(await ackCommand({ ctx, input: { commandId: params.commandId, ack } })));
    },

    uploadCommandOutput: async ({ params, body }, res, ctx) => {
      const maxOutputBytes = await outputCapOf({ ctx, cache: configuration.documents, serverCap: config.commands.maxOutputBytes });
      const appended = await uploadCommandOutput({ ctx, input: { commandId: params.commandId, chunks: body.chunks }, maxOutputBytes, maxUploadBytes: config.commands.maxUploadBytes });
      commandMetrics.outputBytesStored.inc(appended.bytesStored);
      return res.json(200, presentOutputAppend(appended));
    },
  };
}

/** Seconds from when the command could first be delivered (creation, or a later notBefore) to its delivery. */
function deliveryDelaySec({ command, execution }: DeliveredCommand): number {
  const from = Math.max(command.createdAt.getTime(), command.notBefore?.getTime() ?? 0);
  return Math.max(0, ((execution.deliveredAt?.getTime() ?? from) - from) / 1000);
}
