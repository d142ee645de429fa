import { Option, type Command } from 'commander';
import { loadSettings, SETTINGS, settingDefault, type SettingName, type Settings } from '../config/index.js';

/** Adds the flags of the named settings to a command, with their variable and default in the help. */
export function withSettings(command: Command, names: readonly SettingName[]): Command {
  for (const name of names) {
    const setting = SETTINGS[name];
    const fallback = settingDefault(name);
    const help = `${setting.help} [env ${setting.env}${fallback === undefined ? '' : `, default ${fallback}`}]`;
    command.addOption(new Option(`--${setting.flag} <${setting.value}>`, help));
  }
  return command;
}

/** Settings from a command's parsed flags (first) and the environment. */
export function settingsFrom(options: Record<string, unknown>): Settings {
  const flags: Record<string, string> = {};
  for (const setting of Object.values(SETTINGS)) {
    const value = options[camel(setting.flag)];
    if (typeof value === 'string') flags[setting.flag] = value;
  }
  return loadSettings(flags);
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** Adds an "Examples:" block after a command's help, one command line each. */
export function withExamples(command: Command, examples: readonly string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${examples.map((example) => `  ${example}`).join('\n')}`);
}
