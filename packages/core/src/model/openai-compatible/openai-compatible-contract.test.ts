import { runModelContract, startFakeLlmServer } from '@outpost/test-kit';
import { createOpenAiCompatibleModel } from './openai-compatible-model.js';

runModelContract('openai-compatible adapter against the fake server', async () => {
  const server = await startFakeLlmServer();
  const model = createOpenAiCompatibleModel({
    baseUrl: server.baseUrl,
    model: 'fake-model',
    sleep: () => Promise.resolve(),
  });
  return {
    model,
    script: (...replies) => server.push(...replies),
    teardown: () => server.close(),
  };
});
