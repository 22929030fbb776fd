import { z } from 'zod';
import { RouterConfig } from './router-config.js';

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
    /**
     * Checks of the model's changes before its answer is accepted (docs/architecture/agent-loop.md):
     * the test command (detected from the project unless given), then type-check and lint when
     * given here.
     */
    verify: z
      .object({
        /** `false`: answers are accepted without running anything. */
        enabled: z.boolean().optional(),
        /** The test command (default: detected, e.g. `npm test`, `python3 -m pytest -q`); `false`: none. */
        test: z.union([z.string().trim().min(1), z.literal(false)]).optional(),
        typecheck: z.string().trim().min(1).optional(),
        lint: z.string().trim().min(1).optional(),
        /** Failed checks fed back to the model per message before the run stops (default 2). */
        rounds: z.number().int().min(1).max(10).optional(),
        /** Time limit of each check command (default 600). */
        timeoutSeconds: z.number().positive().max(3600).optional(),
      })
      .strict()
      .optional(),
    /** Sync files between stores (docs/architecture/sync.md). */
    sync: z
      .object({
        /**
         * How far ahead of this clock an imported timestamp may be before the file is refused
         * (default 300); `sync import --max-clock-skew` overrides it.
         */
        maxClockSkewSeconds: z
          .number({ error: 'must be a whole number of seconds, such as 600' })
          .int({ error: 'must be a whole number of seconds, such as 600' })
          .min(0, { error: 'must be 0 or more seconds' })
          .optional(),
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
    /**
     * When Outpost steps in on a model going in circles, and when it hands a file whose edits
     * keep failing back to be rewritten whole (docs/architecture/agent-loop.md, "Loop guard").
     */
    loopGuard: z
      .object({
        /** `false`: no warnings, no stop, no edit fallback. */
        enabled: z.boolean().optional(),
        /** The same call with the same result this many times (default 3). */
        repeatedCalls: z.number().int().min(2).max(100).optional(),
        /** The same error this many times (default 3). */
        repeatedErrors: z.number().int().min(2).max(100).optional(),
        /** This many steps in a row without progress (default 6). */
        stepsWithoutProgress: z.number().int().min(2).max(1000).optional(),
        /** Failed edit_file calls on one file before the fallback (default 2). */
        failedEdits: z.number().int().min(1).max(100).optional(),
        /** Largest file handed back whole to rewrite with write_file (default 300 lines, 12,288 bytes; 0: never). */
        rewriteMaxLines: z.number().int().min(0).max(100_000).optional(),
        rewriteMaxBytes: z.number().int().min(0).max(1_048_576).optional(),
      })
      .strict()
      .optional(),
    /**
     * Several models, one picked per role and step by capability, policy and availability
     * (docs/architecture/models.md, "Router"); without it a session uses one model.
     */
    router: RouterConfig.optional(),
    /**
     * The plan step (docs/architecture/agent-loop.md, "Planning"): a message that looks like
     * several steps is split into subtasks, each worked on with only the context it needs.
     */
    planning: z
      .object({
        /** `false`: no automatic plan step (`run --plan` and `/plan` still make one). */
        enabled: z.boolean().optional(),
        /** Most subtasks in a plan (default 5). */
        maxSubtasks: z.number().int().min(2).max(10).optional(),
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
