export { createApp, type AppOptions } from './app.js';
export { answerToWire, paperToWire } from './wire.js';
