export { type FileDigest, fsyncPath, hashFile, replaceFileAtomically, replaceFolder, sha256, writeFileDurably } from './files.js';
export { acquireLock, type FolderLock, LockHeldError } from './lock.js';
