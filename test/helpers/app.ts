/**
 * In-process app on a fresh in-memory SQLite database, driven with Hono's `app.request()`. Every response
 * of `request()` is checked against the contract.
 */
import type { Config } from '../../src/config/types.ts';
import { buildApp, type StartOptions } from '../../src/server.ts';
import { generateSecret } from '../../src/services/secrets.ts';
import { assertResponseMatchesContract } from './contract.ts';
import { testConfig } from './config.ts';
import { captureLogger } from './logs.ts';

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export async function createTestApp(options: { config?: Config; handlerOverrides?: StartOptions['handlerOverrides']; logLevel?: string } = {}) {
  const config = options.config ?? testConfig();
  const logs = captureLogger(options.logLevel ?? 'info');
  const adminToken = generateSecret('opk');
  const built = await buildApp(config, { logger: logs.logger, adminToken, handlerOverrides: options.handlerOverrides });
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  /** A request whose response must match the contract. */
  const request = async (path: string, init: RequestInit = {}) => {
    const res = await built.app.request(path, init);
    await assertResponseMatchesContract(init.method ?? 'GET', path, res);
    return res;
  };
  return {
    ...built,
    config,
    logs,
    adminToken,
    auth,
    request,
    /** A request whose response is not checked (for deliberately undeclared outcomes such as 500). */
    rawRequest: (path: string, init: RequestInit = {}) => built.app.request(path, init),
    close: () => built.dispose(),
  };
}
