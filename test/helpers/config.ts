import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

/** configs/test.yaml plus overrides; the environment is ignored so tests are hermetic. */
export function testConfig(overrides: DeepPartial<Config> = {}): Config {
  const base = loadConfig({ file: new URL('../../configs/test.yaml', import.meta.url).pathname, env: {} });
  for (const [section, values] of Object.entries(overrides)) Object.assign((base as never)[section], values);
  return base;
}
