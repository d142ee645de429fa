import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_MODEL, DEFAULT_PRECISION } from '../model/index.js';

/** Every setting: its environment variable, its command-line flag, its rule and default. One place. */
export const SETTINGS = {
  host: { env: 'HOST', flag: 'host', schema: z.string().min(1).default('127.0.0.1') },
  port: { env: 'PORT', flag: 'port', schema: z.coerce.number({ error: 'expected a port number 0-65535' }).int('expected a port number 0-65535').min(0, 'expected a port number 0-65535').max(65535, 'expected a port number 0-65535').default(3000) },
  indexDir: { env: 'INDEX_DIR', flag: 'index', schema: z.string().min(1).default('index') },
  modelsDir: { env: 'MODELS_DIR', flag: 'models', schema: z.string().min(1).default('models') },
  model: { env: 'MODEL', flag: 'model', schema: z.string().regex(/^[\w.-]+$/, 'a folder name under the models folder').default(DEFAULT_MODEL) },
  precision: { env: 'PRECISION', flag: 'precision', schema: z.enum(['fp32', 'int8'], { error: 'expected fp32 or int8' }).default(DEFAULT_PRECISION) },
  threads: { env: 'THREADS', flag: 'threads', schema: z.coerce.number({ error: 'expected a thread count 1-256' }).int('expected a thread count 1-256').min(1, 'expected a thread count 1-256').max(256, 'expected a thread count 1-256').optional() },
  accessToken: { env: 'ACCESS_TOKEN', flag: 'token', secret: true, schema: z.string().min(16, 'an access token needs at least 16 characters').optional() },
  corsOrigins: {
    env: 'CORS_ORIGINS',
    flag: 'cors-origins',
    schema: z.string().optional().transform((list) => (list ? list.split(',').map((origin) => origin.trim()).filter(Boolean) : []))
      .pipe(z.array(z.url('each CORS origin must be a URL such as http://localhost:5173'))),
  },
} as const;

type SettingName = keyof typeof SETTINGS;
export type Settings = { [K in SettingName]: z.output<(typeof SETTINGS)[K]['schema']> };

export class SettingsError extends Error {}

/**
 * Resolves settings from command-line flags (first) and the environment (second), validating each;
 * a bad value is one SettingsError line naming the variable/flag and what it accepts.
 */
export function loadSettings(flags: Partial<Record<string, string>> = {}, environment: NodeJS.ProcessEnv = process.env): Settings {
  const settings: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS)) {
    const { env, flag, schema } = setting;
    const raw = flags[flag] ?? emptyToUndefined(environment[env]);
    const parsed = (schema as z.ZodType).safeParse(raw);
    if (!parsed.success) {
      const source = flags[flag] !== undefined ? `--${flag}` : env;
      const shown = 'secret' in setting ? '(hidden)' : JSON.stringify(raw);
      throw new SettingsError(`invalid setting ${source}=${shown}: ${parsed.error.issues[0]!.message} (set it with ${env}=... or --${flag} ...)`);
    }
    settings[name] = parsed.data;
  }
  const result = settings as Settings;
  return { ...result, indexDir: resolve(result.indexDir), modelsDir: resolve(result.modelsDir) };
}

const LOOPBACK_HOSTS = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** Serving beyond this machine is opt-in: another address needs an access token. */
export function checkExposure(settings: Settings): void {
  if (!LOOPBACK_HOSTS.test(settings.host) && !settings.accessToken) {
    throw new SettingsError(`refusing to listen on ${settings.host} without an access token: set ACCESS_TOKEN (16+ characters) or --token, or keep HOST=127.0.0.1`);
  }
}

/** parseArgs `options` for every setting's flag, so each CLI accepts them all the same way. */
export function settingFlags(): Record<string, { type: 'string' }> {
  return Object.fromEntries(Object.values(SETTINGS).map(({ flag }) => [flag, { type: 'string' as const }]));
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
