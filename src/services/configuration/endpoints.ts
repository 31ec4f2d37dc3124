/** The monitored endpoints that go into an agent's `endpoints[]`. */
import type { ConfigurationEndpoint } from '../../domain/configuration.ts';
import type { ServiceContext } from '../context.ts';
import type { ConfigurationSubject } from './compile.ts';

/**
 * Endpoints assigned to the agent (by id, section or tag) plus those its policies select by id or tag.
 * No monitored endpoints are stored yet, so there are none to hand out.
 */
export async function endpointsFor(_ctx: ServiceContext, _subject: ConfigurationSubject, _selectors: { ids: readonly string[]; tags: readonly string[] }): Promise<ConfigurationEndpoint[]> {
  return [];
}
