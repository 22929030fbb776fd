import { runModelContract, startFakeOllamaServer } from '@outpost/test-kit';
import { createOllamaModel } from './ollama-model.js';

runModelContract('ollama adapter against the fake Ollama server', async () => {
  const server = await startFakeOllamaServer();
  const model = createOllamaModel({
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
