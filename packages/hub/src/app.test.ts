import { PROTOCOL_VERSION } from '@outpost/protocol';
import { describe, expect, it } from 'vitest';
import { createHubApp } from './app.js';

describe('createHubApp', () => {
  it('answers a health check with the protocol version it speaks', async () => {
    const response = await createHubApp().request('/v1/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, protocolVersion: PROTOCOL_VERSION });
  });

  it('answers unknown routes with a JSON 404 naming the route', async () => {
    const response = await createHubApp().request('/v1/push', { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { kind: 'not-found', message: 'No route POST /v1/push.' },
    });
  });
});
