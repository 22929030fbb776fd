import { z } from 'zod';
import { MEMORY_KINDS, MEMORY_STATUSES } from './memory-types.js';

/**
 * The fields of a `memory` record in the op log: one last-writer-wins op per field
 * (docs/architecture/memory.md). These schemas check only the shape of a value, which is what the
 * materialiser needs to merge ops from any device; the limits a new value must meet (lengths,
 * paths, links that exist) are checked where a write enters the store (`memory-validation.ts`).
 */

export const MemoryLinkValue = z.object({
  type: z.enum(['commit', 'session', 'task']),
  id: z.string().min(1),
});
export type MemoryLinkValue = z.infer<typeof MemoryLinkValue>;

export const MemoryProvenanceValue = z.object({
  user: z.string().min(1),
  device: z.string().min(1),
  session: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  createdAt: z.number().int(),
});
export type MemoryProvenanceValue = z.infer<typeof MemoryProvenanceValue>;

export const MemoryFields = z.object({
  /** The project root the record belongs to (absolute path); written once, at creation. */
  project: z.string().min(1),
  /** Who, where, with what and when; written once, at creation. */
  provenance: MemoryProvenanceValue,
  title: z.string(),
  body: z.string(),
  kind: z.enum(MEMORY_KINDS),
  tags: z.array(z.string()),
  paths: z.array(z.string()),
  links: z.array(MemoryLinkValue),
  status: z.enum(MEMORY_STATUSES),
  /** Wall-clock milliseconds of the write; written with every change. */
  updatedAt: z.number().int(),
  /** The tombstone: `true` hides the record while it is newer than every other field's winner. */
  $deleted: z.boolean(),
});
export type MemoryFields = z.infer<typeof MemoryFields>;

export const MemoryFieldName = MemoryFields.keyof();
export type MemoryFieldName = z.infer<typeof MemoryFieldName>;
