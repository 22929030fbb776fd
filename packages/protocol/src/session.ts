import { z } from 'zod';

/** `stuck`: the loop guard stopped a run that went in circles (docs/architecture/agent-loop.md). */
export const SessionStatus = z.enum([
  'running',
  'completed',
  'failed',
  'cancelled',
  'step-limit',
  'stuck',
]);
export type SessionStatus = z.infer<typeof SessionStatus>;

/**
 * The last-writer-wins fields of a session record; each is set by its own op. A field that was
 * never written is absent.
 */
export const SessionFields = z.object({
  title: z.string(),
  projectRoot: z.string(),
  provider: z.string(),
  model: z.string(),
  status: SessionStatus,
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type SessionFields = z.infer<typeof SessionFields>;

export const SessionFieldName = SessionFields.keyof();
export type SessionFieldName = z.infer<typeof SessionFieldName>;

export const Session = SessionFields.extend({ id: z.string() });
export type Session = z.infer<typeof Session>;
