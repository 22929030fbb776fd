import { PROTOCOL_VERSION } from '@outpost/protocol';
import { Hono } from 'hono';

/**
 * The team sync hub's HTTP app (DESIGN §3.5). For now it only answers health checks with the
 * protocol version it speaks; push, pull and access control arrive with the sync issues.
 */
export function createHubApp(): Hono {
  const app = new Hono();
  app.get('/v1/health', (context) => context.json({ ok: true, protocolVersion: PROTOCOL_VERSION }));
  app.notFound((context) =>
    context.json(
      {
        error: {
          kind: 'not-found',
          message: `No route ${context.req.method} ${context.req.path}.`,
        },
      },
      404,
    ),
  );
  return app;
}
