import { ConfigError } from '../../errors/config-error.js';

/** What Outpost shows about a GGUF file, read from its header without loading the weights. */
export interface GgufSummary {
  architecture: string;
  /** The context length the model was trained for, when the file says. */
  contextLength: number | undefined;
  /** Embedding models (BERT-style) embed text but cannot chat. */
  embeddingOnly: boolean;
}

const EMBEDDING_ARCHITECTURES = new Set(['bert', 'nomic-bert', 'jina-bert-v2', 't5encoder']);

/**
 * Reads a GGUF header with node-llama-cpp's parser (a plain file read: the native binding is not
 * loaded). A file that is not a GGUF gives a `ConfigError` naming it.
 */
export async function readGgufSummary(path: string): Promise<GgufSummary> {
  const { readGgufFileInfo } = await import('node-llama-cpp');
  let info: Awaited<ReturnType<typeof readGgufFileInfo>>;
  try {
    info = await readGgufFileInfo(path, { readTensorInfo: false });
  } catch (error) {
    throw new ConfigError(`${path} is not a readable GGUF model: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const architecture = info.metadata.general.architecture;
  const contextLength = (info.architectureMetadata as { context_length?: unknown }).context_length;
  return {
    architecture,
    contextLength: typeof contextLength === 'number' ? contextLength : undefined,
    embeddingOnly: EMBEDDING_ARCHITECTURES.has(architecture),
  };
}
