/** What this agent is and can do, as it tells the server. */
import { serverVersion } from '../version.ts';

// The agent ships in the server's package and carries its version.
export const AGENT_VERSION = serverVersion;

/** Every capability the server knows (`SUPPORTED_CAPABILITIES`): command executions are skipped for agents lacking the command's type. */
export const CAPABILITIES = ['heartbeat', 'status_report', 'inventory', 'telemetry', 'checks', 'commands', 'run_command', 'update_agent', 'update_package', 'rotate_key', 'configuration'] as const;
