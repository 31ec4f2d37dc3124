import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

/** configs/test.yaml plus overrides; the environment is ignored so tests are hermetic. */
export function testConfig(overrides: DeepPartial<Config> = {}): Config {
  const base = loadConfig({ file: new URL('../../configs/test.yaml', import.meta.url).pathname, env: {} });
  // Object.keys widens to string[]; these are the keys of `overrides`, a DeepPartial<Config>.
  for (const section of Object.keys(overrides) as (keyof Config)[]) Object.assign(base[section], overrides[section]);
  return base;
}
