import type { ModelRequest } from '@outpost/protocol';

/**
 * Token estimates for Ollama, which has no tokenize endpoint. They over-count on purpose: Ollama
 * silently drops the start of a prompt longer than `num_ctx`, so an estimate that is too low loses
 * the system prompt, while one too high only costs a little memory.
 */

/** UTF-8 bytes per token assumed; real BPE tokenizers average about 4 on English and code. */
const bytesPerToken = 3;
/** Role markers and template tokens around each message. */
const messageOverheadTokens = 8;
/** The tool-use instructions a chat template adds when tools are sent. */
const toolsOverheadTokens = 200;

/** About one token per 3 UTF-8 bytes: a deliberate over-count (CJK text counts a token a character). */
export function estimateOllamaTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / bytesPerToken);
}

/** The prompt of `request` in estimated tokens: messages, earlier tool calls and the tool specs. */
export function estimateOllamaPromptTokens(request: ModelRequest): number {
  let tokens = 0;
  for (const message of request.messages) {
    tokens += messageOverheadTokens + estimateOllamaTokens(message.content);
    if (message.role === 'assistant') {
      for (const call of message.toolCalls) {
        tokens += messageOverheadTokens + estimateOllamaTokens(call.name + call.arguments);
      }
    }
    if (message.role === 'tool') tokens += estimateOllamaTokens(message.toolName);
  }
  if (request.tools.length > 0) {
    tokens += toolsOverheadTokens;
    for (const tool of request.tools) {
      const spec = { name: tool.name, description: tool.description, parameters: tool.inputSchema };
      tokens += estimateOllamaTokens(JSON.stringify({ type: 'function', function: spec }));
    }
  }
  return tokens;
}
