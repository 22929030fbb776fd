export { runModelContract } from './contracts/model-contract.js';
export type { ModelContractSubject } from './contracts/model-contract.js';
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
