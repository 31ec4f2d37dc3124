import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.ts';
import { defaultConfig } from '../../../src/config/defaults.ts';

const dir = mkdtempSync(join(tmpdir(), 'agentry-config-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('loadConfig', () => {
  it('without file or environment: SQLite at ./data/agentry.db on port 8080', () => {
    const config = loadConfig({ env: {} });
    expect(config).toEqual(defaultConfig);
    expect(config.database.url).toBe('sqlite:./data/agentry.db');
    expect(config.server.port).toBe(8080);
  });

  it('reads YAML and JSON files and keeps defaults for what they omit', () => {
    const yaml = loadConfig({ file: file('a.yaml', 'server:\n  port: 9000\nlog:\n  level: warn\n'), env: {} });
    expect(yaml.server.port).toBe(9000);
    expect(yaml.log.level).toBe('warn');
    expect(yaml.server.bodyLimitBytes).toBe(defaultConfig.server.bodyLimitBytes);
    const json = loadConfig({ file: file('a.json', '{"database":{"url":"postgres://u@h/db","poolSize":3}}'), env: {} });
    expect(json.database).toMatchObject({ url: 'postgres://u@h/db', poolSize: 3 });
  });

  it('lets the environment override any key, with the plain aliases too', () => {
    const config = loadConfig({
      file: file('b.yaml', 'server:\n  port: 9000\n'),
      env: {
        PORT: '7000',
        DATABASE_URL: 'postgres://x@y/z',
        AGENTRY_NATS_URL: 'nats://127.0.0.1:4222',
        AGENTRY_SERVER_BODY_LIMIT_BYTES: '2048',
        AGENTRY_LOG_REQUESTS: 'false',
        AGENTRY_SERVER_CORS_ORIGINS: 'https://a, https://b',
      },
    });
    expect(config.server.port).toBe(7000);
    expect(config.database.url).toBe('postgres://x@y/z');
    expect(config.nats.url).toBe('nats://127.0.0.1:4222');
    expect(config.server.bodyLimitBytes).toBe(2048);
    expect(config.log.requests).toBe(false);
    expect(config.server.corsOrigins).toEqual(['https://a', 'https://b']);
  });

  it('prefers AGENTRY_* over the plain alias', () => {
    expect(loadConfig({ env: { PORT: '7000', AGENTRY_SERVER_PORT: '7100' } }).server.port).toBe(7100);
    expect(loadConfig({ env: { DATABASE_URL: 'sqlite:a.db', AGENTRY_DATABASE_URL: 'sqlite:b.db' } }).database.url).toBe('sqlite:b.db');
  });

  describe('errors name the key', () => {
    it('a bad value from the environment names the key and the variable', () => {
      expect(() => loadConfig({ env: { PORT: 'eighty' } })).toThrow(/server\.port: must be integer \(from PORT\)/);
    });
    it('an AGENTRY_* variable that is no config key, with the likely intended one', () => {
      expect(() => loadConfig({ env: { AGENTRY_RATELIMITS_ENABLED: 'false' } })).toThrow(/AGENTRY_RATELIMITS_ENABLED: not a configuration variable \(did you mean AGENTRY_RATE_LIMITS_ENABLED\?\)/);
      expect(() => loadConfig({ env: { AGENTRY_NOPE: '1' } })).toThrow(/AGENTRY_NOPE: not a configuration variable$/m);
      expect(loadConfig({ env: { AGENTRY_ADMIN_TOKEN: 'x', AGENTRY_INGEST_STREAM_NAME: 'S1' } }).ingest.streamName).toBe('S1');
    });
    it('an unknown key in the file', () => {
      expect(() => loadConfig({ file: file('c.yaml', 'server:\n  prot: 1\n'), env: {} })).toThrow(/server 'prot': must NOT have additional properties/);
    });
    it('every problem at once', () => {
      const err = (() => {
        try {
          loadConfig({ file: file('d.yaml', 'database:\n  url: mysql://x\nlog:\n  level: loud\n'), env: {} });
        } catch (e) {
          return e as Error;
        }
      })();
      expect(err).toBeInstanceOf(ConfigError);
      expect(err!.message).toMatch(/database\.url/);
      expect(err!.message).toMatch(/log\.level/);
    });
    it('an unreadable or unparsable file', () => {
      expect(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} })).toThrow(/cannot read config file/);
      expect(() => loadConfig({ file: file('e.json', '{nope'), env: {} })).toThrow(/cannot parse config file/);
    });
  });

  it('ships dev, prod and test configs that load', () => {
    for (const name of ['dev', 'prod', 'test']) expect(() => loadConfig({ file: `configs/${name}.yaml`, env: {} })).not.toThrow();
  });
});
