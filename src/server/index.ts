export { createApp, type AppOptions } from './app.js';
export { LIMITS } from './schemas.js';
