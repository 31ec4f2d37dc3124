/**
 * `rotate_key`: the agent asks the server for a new key itself (`POST /agent/{id}/rotate-key`), so the new key
 * never passes through the operator who requested the rotation. It is saved to the state file before any
 * request uses it: a crash in between leaves the old key on disk, which keeps working for the grace period.
 */
import { saveState, type AgentState } from './state.ts';
import type { Transport } from './transport.ts';

export interface RotationOutcome {
  status: 'succeeded' | 'failed';
  error?: string;
}

export async function rotateOwnKey({ transport, state, stateDir }: { transport: Transport; state: AgentState; stateDir: string }): Promise<RotationOutcome> {
  const answer = await transport.request('POST', `/api/v1/agent/${state.agentId}/rotate-key`);
  if (!answer.ok) return { status: 'failed', error: `the server refused the rotation: ${answer.status === 0 ? answer.error : `HTTP ${answer.status}`}` };
  const apiKey = (answer.body as { apiKey?: unknown } | null)?.apiKey; // the contract's rotateAgentKey answer, checked just below
  if (typeof apiKey !== 'string' || apiKey.length === 0) return { status: 'failed', error: 'the rotation answer carried no key' };
  try {
    saveState(stateDir, { ...state, apiKey });
  } catch (err) {
    // The server already switched: keep using the new key in this process, and say that a restart after the grace period would lose it.
    transport.switchKey(apiKey);
    state.apiKey = apiKey;
    return { status: 'failed', error: `the new key could not be saved (${err instanceof Error ? err.message : String(err)}); the old key works only for the grace period` };
  }
  state.apiKey = apiKey;
  transport.switchKey(apiKey);
  return { status: 'succeeded' };
}
