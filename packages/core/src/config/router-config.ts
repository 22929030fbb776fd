import { z } from 'zod';

/**
 * Where a project's code may go (docs/architecture/models.md, "Router"): `local-only` means only
 * this machine — a model run in-process or a server on loopback — so a remote model is never
 * picked nor contacted; `any` allows every configured model (the default).
 */
export const RouterPolicy = z.enum(['local-only', 'any']);
export type RouterPolicy = z.infer<typeof RouterPolicy>;

/**
 * The roles a model can be preferred for. `coder` is what a run does by default; the others are
 * for the sub-agents a later issue adds. The router itself takes any role name.
 */
export const RouteRole = z.enum(['coder', 'explorer', 'planner', 'reviewer']);
export type RouteRole = z.infer<typeof RouteRole>;

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//.test(value), 'expected an http:// or https:// URL');

/** One model the router may pick: found like `--model NAME` (with `baseUrl`, like `--base-url`). */
export const RouterModelConfig = z
  .object({
    /** A model name a server knows, a GGUF known to Outpost, or a path to a GGUF file. */
    name: z.string().min(1),
    /** The server; without it the model is looked for on this machine (loopback servers, GGUFs). */
    baseUrl: httpUrl.optional(),
    apiKey: z.string().min(1).optional(),
    /** Roles this model is preferred for; without it, it serves every role alike. */
    roles: z.array(RouteRole).min(1).optional(),
    /** How its tool calls travel (default: the best it has). */
    toolProtocol: z.enum(['native', 'constrained', 'text']).optional(),
  })
  .strict();
export type RouterModelConfig = z.infer<typeof RouterModelConfig>;

/** `"router"` in the config file: several models, one picked per role and step. */
export const RouterConfig = z
  .object({
    /** The models to route between, most preferred first among equals. */
    models: z.array(RouterModelConfig).min(1).optional(),
    /** `local-only`: every project stays on this machine (a project can also say so itself). */
    policy: RouterPolicy.optional(),
    /** How long a model that stopped answering is left out before it is tried again (default 300). */
    coolOffSeconds: z.number().positive().max(86_400).optional(),
  })
  .strict();
export type RouterConfig = z.infer<typeof RouterConfig>;
