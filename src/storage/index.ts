export { type FileDigest, fsyncPath, hashFile, replaceFileAtomically, replaceFolder, sha256, writeFileDurably } from './files.js';
