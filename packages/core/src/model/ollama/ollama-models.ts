import { z } from 'zod';
import { requestOllamaJson } from './ollama-json-request.js';

/*
 * What Ollama has: the models it downloaded (`/api/tags`), those loaded now (`/api/ps`), and what
 * one of them can do (`/api/show`). Each throws `ModelCallError` with a message naming Ollama's
 * address when it is unreachable, silent for `timeoutMs`, or answers with an error or something
 * else.
 */

export interface OllamaRequestOptions {
  /** Ollama's address, e.g. `http://127.0.0.1:11434` (the native API: no `/v1`). */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Gives up when Ollama sends nothing for this long; default 10 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type ListOllamaModelsOptions = OllamaRequestOptions;

export interface DescribeOllamaModelOptions extends OllamaRequestOptions {
  model: string;
}

/** What Ollama says about one model (`POST /api/show`). */
export interface OllamaModelDescription {
  /** The longest context the model was trained for (`<architecture>.context_length`). */
  contextLength: number | undefined;
  /** e.g. `completion`, `tools`, `insert`, `vision`, `thinking`, `embedding`. */
  capabilities: string[];
  family?: string;
  /** e.g. `7.6B`. */
  parameterSize?: string;
  /** e.g. `Q4_K_M`. */
  quantization?: string;
}

/** A model Ollama has downloaded (`ollama list`). */
export interface OllamaInstalledModel {
  /** With its tag, e.g. `qwen2.5-coder:7b`. */
  name: string;
  sizeBytes: number;
  family?: string;
  parameterSize?: string;
  quantization?: string;
}

/** A model Ollama has loaded in memory now (`ollama ps`). */
export interface OllamaRunningModel {
  name: string;
  sizeBytes?: number;
  /** The part of `sizeBytes` in GPU memory. */
  vramBytes?: number;
  /** The `num_ctx` it was loaded with (newer Ollama versions only). */
  contextLength?: number;
  /** When Ollama will unload it, ISO 8601. */
  expiresAt?: string;
}

const Details = z
  .object({
    family: z.string().nullish(),
    parameter_size: z.string().nullish(),
    quantization_level: z.string().nullish(),
  })
  .nullish();

const ModelShow = z.object({
  model_info: z.record(z.string(), z.unknown()).nullish(),
  capabilities: z.array(z.string()).nullish(),
  details: Details,
});

const Tags = z.object({
  models: z
    .array(z.object({ name: z.string(), size: z.number().nullish(), details: Details }))
    .nullable(),
});

const Running = z.object({
  models: z
    .array(
      z.object({
        name: z.string(),
        size: z.number().nullish(),
        size_vram: z.number().nullish(),
        context_length: z.number().nullish(),
        expires_at: z.string().nullish(),
      }),
    )
    .nullable(),
});

/**
 * Asks Ollama about `model`: its context length and capabilities. The composition root calls this
 * before `createOllamaModel` and passes the result as `description`, so the model's
 * `capabilities` can be a plain property. A missing model is a 404 error saying how to pull it.
 */
export async function describeOllamaModel(
  options: DescribeOllamaModelOptions,
): Promise<OllamaModelDescription> {
  const show = await requestOllamaJson({
    ...requestOptions(options, '/api/show'),
    body: { model: options.model },
    model: options.model,
    schema: ModelShow,
  });
  return {
    contextLength: readContextLength(show.model_info ?? {}),
    capabilities: show.capabilities ?? [],
    ...readDetails(show.details),
  };
}

/** The models Ollama has downloaded (`GET /api/tags`). */
export async function listOllamaModels(
  options: ListOllamaModelsOptions,
): Promise<OllamaInstalledModel[]> {
  const tags = await requestOllamaJson({ ...requestOptions(options, '/api/tags'), schema: Tags });
  return (tags.models ?? []).map((model) => ({
    name: model.name,
    sizeBytes: model.size ?? 0,
    ...readDetails(model.details),
  }));
}

/** The models Ollama has loaded in memory now (`GET /api/ps`). */
export async function listRunningOllamaModels(
  options: ListOllamaModelsOptions,
): Promise<OllamaRunningModel[]> {
  const running = await requestOllamaJson({
    ...requestOptions(options, '/api/ps'),
    schema: Running,
  });
  return (running.models ?? []).map((model) => ({
    name: model.name,
    ...(typeof model.size === 'number' ? { sizeBytes: model.size } : {}),
    ...(typeof model.size_vram === 'number' ? { vramBytes: model.size_vram } : {}),
    ...(typeof model.context_length === 'number' ? { contextLength: model.context_length } : {}),
    ...(typeof model.expires_at === 'string' ? { expiresAt: model.expires_at } : {}),
  }));
}

function requestOptions(options: OllamaRequestOptions, path: string) {
  const fetchFunction: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  return {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    path,
    fetch: fetchFunction,
    timeoutMs: options.timeoutMs ?? 10_000,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
}

function readDetails(details: z.infer<typeof Details>) {
  return {
    ...(details?.family ? { family: details.family } : {}),
    ...(details?.parameter_size ? { parameterSize: details.parameter_size } : {}),
    ...(details?.quantization_level ? { quantization: details.quantization_level } : {}),
  };
}

/** `<general.architecture>.context_length`, else any `*.context_length` key. */
function readContextLength(modelInfo: Record<string, unknown>): number | undefined {
  const architecture = modelInfo['general.architecture'];
  const keys = Object.keys(modelInfo).filter((key) => key.endsWith('.context_length'));
  if (typeof architecture === 'string') keys.unshift(`${architecture}.context_length`);
  for (const key of keys) {
    const value = modelInfo[key];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  }
  return undefined;
}
