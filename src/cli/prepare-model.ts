import { resolve } from 'node:path';
import { loadSettings } from '../config/index.js';
import { prepareDefaultModel } from '../model/index.js';
import { runMain } from './main.js';

// Runs on `npm install` (postinstall) and on demand; a no-op when the converted model is current.
runMain(async () => {
  const { modelsDir } = loadSettings();
  const target = await prepareDefaultModel(modelsDir, (line) => process.stderr.write(`${line}\n`));
  process.stderr.write(`Model ready: ${resolve(target)}\n`);
});
