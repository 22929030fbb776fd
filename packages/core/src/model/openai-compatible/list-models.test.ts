import { type FakeLlmServer, startFakeLlmServer } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelCallError } from '../../errors/model-call-error.js';
import { listModels } from './list-models.js';

let server: FakeLlmServer;

beforeEach(async () => {
  server = await startFakeLlmServer({ models: ['qwen2.5-coder-7b', 'llama-3.2-3b'] });
});

afterEach(async () => {
  await server.close();
});

async function failure(promise: Promise<unknown>): Promise<ModelCallError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(ModelCallError.isInstance(error)).toBe(true);
  return error as ModelCallError;
}

describe('listModels', () => {
  it('lists the ids the server offers, sending the API key', async () => {
    const ids = await listModels({ baseUrl: `${server.baseUrl}/`, apiKey: 'sk-local' });
    expect(ids).toEqual(['qwen2.5-coder-7b', 'llama-3.2-3b']);
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-local');
  });

  it('throws a ModelCallError naming the server when nothing listens', async () => {
    const closed = await startFakeLlmServer();
    await closed.close();
    const error = await failure(listModels({ baseUrl: closed.baseUrl }));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(
      `No model server is reachable at ${closed.baseUrl} (connection refused). ` +
        'Start llama.cpp server, LM Studio or Ollama, or pass --base-url.',
    );
  });

  it('throws with the status and the server message when the server refuses', async () => {
    const fetchUnauthorised = () =>
      Promise.resolve(
        new Response(JSON.stringify({ error: { message: 'Invalid API key' } }), { status: 401 }),
      );
    const error = await failure(listModels({ baseUrl: server.baseUrl, fetch: fetchUnauthorised }));
    expect(error).toMatchObject({ kind: 'http', statusCode: 401, isRetryable: false });
    expect(error.message).toBe(
      `The model server at ${server.baseUrl} answered 401: Invalid API key. Check the API key.`,
    );
  });

  it('throws a protocol error when the answer is not a model list', async () => {
    const fetchOther = () => Promise.resolve(new Response('{"models": []}'));
    const error = await failure(listModels({ baseUrl: server.baseUrl, fetch: fetchOther }));
    expect(error.kind).toBe('protocol');
    expect(error.message).toContain('GET /models did not return a list of models');
  });

  it('gives up with a timeout when the server does not answer', async () => {
    const fetchNever = () => new Promise<Response>(() => undefined);
    const error = await failure(
      listModels({ baseUrl: server.baseUrl, fetch: fetchNever, timeoutMs: 20 }),
    );
    expect(error.kind).toBe('timeout');
  });

  it('throws a cancelled error when the caller aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(listModels({ baseUrl: server.baseUrl, signal: controller.signal }));
    expect(error.kind).toBe('cancelled');
  });
});
