export { createApp, type AppOptions } from './app.js';
export { answerToWire, digestToWire, filterFromWire, paperToWire, watchedQueries } from './wire.js';
