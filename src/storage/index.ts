export {
  crc32,
  type DigestKind,
  type FileDigest,
  fsyncPath,
  hashFile,
  hashFileAsync,
  replaceFileAtomically,
  replaceFolder,
  sha256,
  writeFileDurably,
} from './files.js';
export { acquireLock, type FolderLock, LockHeldError } from './lock.js';
