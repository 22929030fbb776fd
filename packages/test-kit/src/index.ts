export { runModelContract } from './contracts/model-contract.js';
export type { ModelContractSubject } from './contracts/model-contract.js';
export {
  fakeEmbeddingDimensions,
  FakeEmbeddingModel,
  wordOverlapEmbedder,
  wordOverlapVector,
} from './fake-embeddings.js';
export type {
  FakeEmbedder,
  FakeEmbeddingFailure,
  FakeEmbeddingInput,
  FakeEmbeddingModelOptions,
} from './fake-embeddings.js';
export { FakeLanguageModel } from './fake-language-model.js';
export type { FakeLanguageModelOptions, FakeModelResponder } from './fake-language-model.js';
export { startFakeLlmServer } from './fake-llm-server.js';
export type {
  FakeLlmServer,
  FakeLlmServerOptions,
  RecordedRequest,
  Responder,
} from './fake-llm-server.js';
export { Reply, reply, toReplyScript } from './reply.js';
export type { ReplyContent, ReplyFailure, ReplyInput, ReplyScript } from './reply.js';
export { rawBodyReply, startFakeOllamaServer, streamErrorReply } from './fake-ollama-server.js';
export type {
  FakeOllamaModel,
  FakeOllamaReply,
  FakeOllamaResponder,
  FakeOllamaServer,
  FakeOllamaServerOptions,
  OllamaRawBodyReply,
  OllamaRecordedRequest,
  OllamaStreamErrorReply,
} from './fake-ollama-server.js';
export { fixtureModelPath } from './fixture-model.js';
