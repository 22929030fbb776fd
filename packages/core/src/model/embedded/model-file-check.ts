import { open } from 'node:fs/promises';
import { isAbsolute } from 'node:path';

const ggufMagic = 'GGUF';

/**
 * Checks that `modelPath` names a readable GGUF file before the native runtime sees it, so the
 * user gets a plain sentence (file missing, a directory, not a GGUF) rather than a llama.cpp
 * message. Returns the problem, or undefined when the file looks like a GGUF model.
 */
export async function checkModelFile(modelPath: string): Promise<string | undefined> {
  if (!isAbsolute(modelPath)) {
    return `The model path ${modelPath} is not absolute; give the full path to the .gguf file.`;
  }
  let file;
  try {
    file = await open(modelPath, 'r');
  } catch (error) {
    return describeOpenFailure(modelPath, error);
  }
  try {
    const stats = await file.stat();
    if (stats.isDirectory()) {
      return `The model path ${modelPath} is a directory; give the path to a .gguf file.`;
    }
    const header = Buffer.alloc(ggufMagic.length);
    const { bytesRead } = await file.read(header, 0, header.length, 0);
    if (bytesRead < header.length || header.toString('latin1') !== ggufMagic) {
      return (
        `The file ${modelPath} is not a GGUF model (it does not start with "GGUF"). ` +
        'The embedded runtime loads .gguf files only; convert the model or download a GGUF build.'
      );
    }
    return undefined;
  } catch (error) {
    return describeOpenFailure(modelPath, error);
  } finally {
    await file.close();
  }
}

function describeOpenFailure(modelPath: string, error: unknown): string {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (code === 'ENOENT') return `The model file ${modelPath} does not exist.`;
  if (code === 'EACCES' || code === 'EPERM') {
    return `The model file ${modelPath} cannot be read (permission denied).`;
  }
  if (code === 'EISDIR') {
    return `The model path ${modelPath} is a directory; give the path to a .gguf file.`;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return `The model file ${modelPath} cannot be read: ${detail}`;
}
