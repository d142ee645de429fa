export { checkExposure, loadSettings, SETTINGS, settingDefault, settingFlags, type SettingName, type Settings } from './settings.js';
