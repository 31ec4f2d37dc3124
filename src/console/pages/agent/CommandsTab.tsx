import type { Agent } from '../agents/columns';
import { CommandList } from '../commands/CommandList';

/** Commands sent to this agent; each links to its page with the output. */
export function CommandsTab({ agent }: { agent: Agent }) {
  return <CommandList agentId={agent.id} />;
}
