export {
  ensurePrivateDir,
  ensurePrivateFile,
  tightenIfPresent,
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
} from './private-files.ts';
