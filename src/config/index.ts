export { checkExposure, loadSettings, SETTINGS, SettingsError, settingFlags, type Settings } from './settings.js';
