export { createApp, type AppOptions } from './app.js';
export { answerToWire, filterFromWire, paperToWire } from './wire.js';
