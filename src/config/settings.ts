import { resolve } from 'node:path';
import { z } from 'zod';
import { PRECISIONS } from '../contract/values.js';

const portNumber = 'expected a port number 0-65535';
const threadCount = 'expected a thread count 1-256';
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** An http(s) origin as browsers send it in `Origin`: a trailing slash or a path never matches one. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

/** A comma-separated setting as a list: items trimmed (then `normalise`d), empty ones dropped. */
function commaList(normalise: (item: string) => string) {
  return z
    .string()
    .optional()
    .transform((list) =>
      (list ?? '')
        .split(',')
        .map((item) => normalise(item.trim()))
        .filter(Boolean),
    );
}

/**
 * Every setting: its environment variable, its command-line flag, what it is for, its rule and
 * default. One place; `--help` and the README's settings table are read from it. `model` and
 * `precision` have no default here on purpose: unless the user names one, commands use the model
 * that built the index (its manifest says which), and the default model for a new index.
 */
export const SETTINGS = {
  host: { env: 'HOST', flag: 'host', value: 'address', help: 'address to listen on', schema: z.string().min(1).default('127.0.0.1') },
  port: {
    env: 'PORT',
    flag: 'port',
    value: 'n',
    help: 'port to listen on',
    schema: z.coerce.number({ error: portNumber }).int(portNumber).min(0, portNumber).max(65535, portNumber).default(3000),
  },
  indexDir: { env: 'INDEX_DIR', flag: 'index', value: 'folder', help: 'the index folder', schema: z.string().min(1).default('index') },
  modelsDir: {
    env: 'MODELS_DIR',
    flag: 'models',
    value: 'folder',
    help: 'folder of model folders (must exist)',
    schema: z.string().min(1).default('models'),
  },
  model: {
    env: 'MODEL',
    flag: 'model',
    value: 'name',
    help: 'model folder under the models folder (default: the one that built the index, else all-MiniLM-L6-v2)',
    schema: z
      .string()
      .regex(/^[\w.-]+$/, 'a folder name under the models folder')
      .optional(),
  },
  precision: {
    env: 'PRECISION',
    flag: 'precision',
    value: PRECISIONS.join('|'),
    help: 'model precision (default: the one that built the index, else int8)',
    schema: z.enum(PRECISIONS, { error: `expected ${PRECISIONS.join(' or ')}` }).optional(),
  },
  threads: {
    env: 'THREADS',
    flag: 'threads',
    value: 'n',
    help: 'ONNX Runtime threads (default: all cores)',
    schema: z.coerce.number({ error: threadCount }).int(threadCount).min(1, threadCount).max(256, threadCount).optional(),
  },
  accessToken: {
    env: 'ACCESS_TOKEN',
    flag: 'token',
    value: 'token',
    help: 'access token (16+ characters) required by the API; needed to listen beyond loopback',
    secret: true,
    schema: z
      .string()
      .min(16, 'an access token needs at least 16 characters')
      // A Bearer token must be token68 (RFC 7235) or no client can send it as written, and every request is refused.
      .regex(TOKEN68, 'an access token may hold only letters, digits and - . _ ~ + / (then = padding at the end)')
      .optional(),
  },
  corsOrigins: {
    env: 'CORS_ORIGINS',
    flag: 'cors-origins',
    value: 'origins',
    help: 'comma-separated origins allowed to call the API from a browser',
    schema: commaList((origin) => origin).pipe(
      z.array(
        z
          .string()
          .refine(
            isOrigin,
            'each CORS origin must be an http(s) origin such as http://localhost:5173 (scheme, host and port; no path or trailing slash)',
          ),
      ),
    ),
  },
  allowedHosts: {
    env: 'ALLOWED_HOSTS',
    flag: 'allowed-hosts',
    value: 'hosts',
    help: 'comma-separated host names answered besides 127.0.0.1, localhost and [::1] when there is no access token (against DNS rebinding)',
    schema: commaList((host) => host.toLowerCase()).pipe(
      z.array(
        z
          .string()
          .regex(
            /^([a-z0-9-]+(\.[a-z0-9-]+)*\.?|\[[0-9a-f:.]+\])$/,
            'each allowed host must be a host name such as papers.lan, without a port',
          ),
      ),
    ),
  },
} as const;

export type SettingName = keyof typeof SETTINGS;
export type Settings = { [K in SettingName]: z.output<(typeof SETTINGS)[K]['schema']> };

/**
 * Resolves settings from command-line flags (first) and the environment (second), validating each;
 * a bad value is one line naming the variable/flag and what it accepts.
 */
export function loadSettings(flags: Partial<Record<string, string>> = {}, environment: NodeJS.ProcessEnv = process.env): Settings {
  const settings: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS)) {
    const { env, flag, schema } = setting;
    const raw = emptyToUndefined(flags[flag]) ?? emptyToUndefined(environment[env]);
    const parsed = (schema as z.ZodType).safeParse(raw);
    if (!parsed.success) {
      const source = flags[flag] !== undefined ? `--${flag}` : env;
      const shown = 'secret' in setting ? '(hidden)' : JSON.stringify(raw);
      throw new Error(`invalid setting ${source}=${shown}: ${parsed.error.issues[0]!.message} (set it with ${env}=... or --${flag} ...)`);
    }
    settings[name] = parsed.data;
  }
  const result = settings as Settings;
  return { ...result, indexDir: resolve(result.indexDir), modelsDir: resolve(result.modelsDir) };
}

/** The default a setting takes when neither its flag nor its variable is given, as help shows it. */
export function settingDefault(name: SettingName): string | undefined {
  const parsed = (SETTINGS[name].schema as z.ZodType).safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return undefined;
  return Array.isArray(parsed.data) ? undefined : String(parsed.data);
}

const LOOPBACK_HOSTS = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** Serving beyond this machine is opt-in: another address needs an access token. */
export function checkExposure(settings: Settings): void {
  if (!LOOPBACK_HOSTS.test(settings.host) && !settings.accessToken) {
    throw new Error(
      `refusing to listen on ${settings.host} without an access token: set ACCESS_TOKEN (16+ characters) or --token, or keep HOST=127.0.0.1`,
    );
  }
}

/** A blank variable or flag is unset (a blank PORT must not become port 0). */
function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** node:util parseArgs `options` for every setting's flag (the measurement tools parse their flags this way). */
export function settingFlags(): Record<string, { type: 'string' }> {
  return Object.fromEntries(Object.values(SETTINGS).map(({ flag }) => [flag, { type: 'string' as const }]));
}
