import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExposure, loadSettings, settingDefault, type Settings } from '../../src/config/settings.js';

/** Settings from an explicit environment only, never the one the tests happen to run in. */
const load = (flags: Record<string, string>, environment: Record<string, string> = {}) => loadSettings(flags, environment);

/** The error message of loading these settings; fails the test if they load. */
function refusal(flags: Record<string, string>, environment: Record<string, string> = {}): string {
  try {
    load(flags, environment);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('invalid settings were accepted');
}

describe('loadSettings', () => {
  it('uses the defaults when nothing is given, with folders made absolute', () => {
    const settings = load({});
    expect(settings).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      indexDir: resolve('index'),
      modelsDir: resolve('models'),
      corsOrigins: [],
    });
    expect(settings.model).toBeUndefined();
    expect(settings.precision).toBeUndefined();
    expect(settings.threads).toBeUndefined();
    expect(settings.accessToken).toBeUndefined();
  });

  it('reads the environment, and a flag beats its variable', () => {
    expect(load({}, { PORT: '5000', THREADS: '2', INDEX_DIR: 'elsewhere' })).toMatchObject({
      port: 5000,
      threads: 2,
      indexDir: resolve('elsewhere'),
    });
    expect(load({ port: '4000', index: '/abs/idx' }, { PORT: '5000', INDEX_DIR: 'elsewhere' })).toMatchObject({
      port: 4000,
      indexDir: '/abs/idx',
    });
    // The flag wins even over a variable that would have been refused.
    expect(load({ port: '4000' }, { PORT: 'not a port' }).port).toBe(4000);
  });

  it('ignores an empty variable, as if it were unset', () => {
    expect(load({}, { PORT: '', HOST: '', THREADS: '', ACCESS_TOKEN: '', PRECISION: '' })).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      threads: undefined,
      accessToken: undefined,
      precision: undefined,
    });
  });

  it('parses the CORS origins list, trimming blanks', () => {
    expect(load({}, { CORS_ORIGINS: 'http://localhost:5173, https://example.org ,' }).corsOrigins).toEqual([
      'http://localhost:5173',
      'https://example.org',
    ]);
  });

  it('refuses a bad port in one line naming the variable or the flag that gave it', () => {
    expect(refusal({}, { PORT: 'abc' })).toBe(
      'invalid setting PORT="abc": expected a port number 0-65535 (set it with PORT=... or --port ...)',
    );
    expect(refusal({ port: '70000' })).toBe(
      'invalid setting --port="70000": expected a port number 0-65535 (set it with PORT=... or --port ...)',
    );
    expect(refusal({}, { PORT: '80.5' })).toMatch(/^invalid setting PORT="80.5": expected a port number/);
    expect(refusal({}, { PORT: '-1' })).toMatch(/^invalid setting PORT="-1": expected a port number/);
  });

  it('refuses a bad thread count, precision, model folder or CORS origin, each in one line', () => {
    const messages = [
      [refusal({}, { THREADS: '0' }), /^invalid setting THREADS="0": expected a thread count 1-256 /],
      [refusal({ threads: '257' }), /^invalid setting --threads="257": expected a thread count 1-256 /],
      [refusal({}, { PRECISION: 'fp16' }), /^invalid setting PRECISION="fp16": expected fp32 or int8 /],
      [refusal({ model: '../escape' }), /^invalid setting --model="..\/escape": a folder name under the models folder /],
      [
        refusal({}, { CORS_ORIGINS: 'localhost' }),
        /^invalid setting CORS_ORIGINS="localhost": each CORS origin must be an http\(s\) origin /,
      ],
    ] as const;
    for (const [message, expected] of messages) {
      expect(message).toMatch(expected);
      expect(message).not.toContain('\n');
    }
  });

  it('refuses a short access token without echoing it', () => {
    const message = refusal({}, { ACCESS_TOKEN: 'short-secret' });
    expect(message).toBe(
      'invalid setting ACCESS_TOKEN=(hidden): an access token needs at least 16 characters (set it with ACCESS_TOKEN=... or --token ...)',
    );
    expect(refusal({ token: 'short-secret' })).toMatch(/^invalid setting --token=\(hidden\): /);
    expect(load({ token: 'sixteen-chars-ok' }).accessToken).toBe('sixteen-chars-ok');
  });
});

describe('settingDefault', () => {
  it('shows the default a setting takes, and nothing for a setting without one', () => {
    expect(settingDefault('port')).toBe('3000');
    expect(settingDefault('host')).toBe('127.0.0.1');
    expect(settingDefault('indexDir')).toBe('index');
    expect(settingDefault('threads')).toBeUndefined();
    expect(settingDefault('model')).toBeUndefined();
    expect(settingDefault('accessToken')).toBeUndefined();
    // An empty list of origins is no default worth showing.
    expect(settingDefault('corsOrigins')).toBeUndefined();
  });
});

describe('checkExposure', () => {
  const settings = (host: string, accessToken?: string): Settings => ({ ...load({}), host, accessToken });

  it('lets a loopback address listen without a token', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) expect(() => checkExposure(settings(host))).not.toThrow();
  });

  it('refuses any other address without a token, and allows it with one', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'localhost.example.com', '127.0.0.1.nip.io']) {
      expect(() => checkExposure(settings(host))).toThrow(`refusing to listen on ${host} without an access token`);
      expect(() => checkExposure(settings(host, 'a-token-of-16-chars'))).not.toThrow();
    }
  });
});

describe('blank values', () => {
  it('treat a blank variable or flag as unset, never as port 0', () => {
    expect(loadSettings({}, { PORT: ' ' }).port).toBe(3000);
    expect(loadSettings({ port: '' }, {}).port).toBe(3000);
    expect(loadSettings({ port: ' ' }, { PORT: '8080' }).port).toBe(8080);
  });
});

describe('CORS origins', () => {
  it('accept only origins a browser can send: no path, no trailing slash, no other scheme', () => {
    expect(loadSettings({}, { CORS_ORIGINS: 'http://localhost:5173,https://papers.example.org' }).corsOrigins).toEqual([
      'http://localhost:5173',
      'https://papers.example.org',
    ]);
    for (const origin of ['http://localhost:5173/', 'javascript:alert(1)', 'https://example.org/app', 'ftp://example.org']) {
      expect(() => loadSettings({}, { CORS_ORIGINS: origin }), origin).toThrow(/each CORS origin must be an http\(s\) origin/);
    }
  });
});
