import { z } from 'zod';

export const ApprovalPolicy = z.enum(['read-only', 'ask', 'auto-edit', 'full-auto']);
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//.test(value), 'expected an http:// or https:// URL');

/** The user's config file (JSON). Unknown keys are refused so that a typo never goes unnoticed. */
export const OutpostConfig = z
  .object({
    model: z
      .object({
        /** OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1 */
        baseUrl: httpUrl.optional(),
        /** Model name as the server knows it, a GGUF known to Outpost, or a path to a GGUF file. */
        name: z.string().min(1).optional(),
        /** Bearer key for servers started with one (vLLM --api-key, LM Studio auth). */
        apiKey: z.string().min(1).optional(),
        /** Give up on a model call after this long without receiving a byte. */
        idleTimeoutSeconds: z.number().positive().optional(),
        maxRetries: z.number().int().min(0).max(10).optional(),
        /** How tool calls travel: native, constrained or text (default: the best the model has). */
        toolProtocol: z.enum(['native', 'constrained', 'text']).optional(),
        /** Context size to load a GGUF with in-process (default: its training size, at most 8,192). */
        contextSize: z.number().int().min(256).max(1_048_576).optional(),
        /** CPU threads for an in-process model (default: the number of physical cores). */
        threads: z.number().int().min(1).max(256).optional(),
        /** `false` keeps an in-process model on the CPU; `auto` uses a GPU when one is present. */
        gpu: z.union([z.literal('auto'), z.literal(false)]).optional(),
        /** How long Ollama keeps the model loaded after a request, e.g. "30m". */
        keepAlive: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** Prompt size: tiny, compact or full (default: chosen from the model's window and speed). */
    promptProfile: z.enum(['tiny', 'compact', 'full']).optional(),
    /** The repository map in each turn's context (default: from the prompt profile). */
    repoMap: z
      .object({
        /** Most tokens it may take; 0 leaves it out. */
        tokens: z.number().int().min(0).max(16_000).optional(),
      })
      .strict()
      .optional(),
    /** Project memory in sessions (docs/architecture/memory.md). */
    memory: z
      .object({
        /** Most tokens of accepted records in each turn's context (default: from the prompt profile); 0: none. */
        tokens: z.number().int().min(0).max(16_000).optional(),
        /** `false`: no end-of-session reflection (the model proposes no records after changing code). */
        reflect: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /**
     * An embedding model for the code index's optional semantic signal: a GGUF file run
     * in-process, or a model of an Ollama or OpenAI-compatible server (`baseUrl`).
     */
    embedding: z
      .object({
        /** The path of a GGUF embedding model, or the model name the server knows. */
        model: z.string().min(1),
        baseUrl: httpUrl.optional(),
        apiKey: z.string().min(1).optional(),
        /** CPU threads for an in-process embedding model. */
        threads: z.number().int().min(1).max(256).optional(),
      })
      .strict()
      .optional(),
    /** The code index in sessions (`outpost index` commands work regardless). */
    index: z
      .object({
        /** `false`: sessions neither build nor use it (search_code searches the files). */
        enabled: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** Default approval policy for interactive use and `run`. */
    approval: ApprovalPolicy.optional(),
    /** Most model calls one run may make before it stops. */
    maxSteps: z.number().int().min(1).max(1000).optional(),
    /** Default time limit of `run_command`. */
    commandTimeoutSeconds: z.number().positive().max(1800).optional(),
  })
  .strict();
export type OutpostConfig = z.infer<typeof OutpostConfig>;
