import { posix } from 'node:path';
import { z } from 'zod';
import { MemoryError } from '../errors/memory-error.js';
import {
  MEMORY_KINDS,
  MEMORY_STATUSES,
  type MemoryKind,
  type MemoryLink,
  type MemoryStatus,
} from './memory-types.js';

/** What a record may hold. A body past the limit is refused, never cut. */
export const MEMORY_LIMITS = {
  titleCharacters: 200,
  bodyCharacters: 8_000,
  tags: 20,
  tagCharacters: 40,
  paths: 50,
  pathCharacters: 300,
  links: 20,
  modelCharacters: 200,
} as const;

/** A draft after validation: text normalised, lists de-duplicated, session links resolved. */
export interface ValidMemoryDraft {
  title: string;
  body: string;
  kind: MemoryKind;
  tags: string[];
  paths: string[];
  links: MemoryLink[];
  status: MemoryStatus;
  session?: string;
  model?: string;
}

export type ValidMemoryPatch = Partial<
  Pick<ValidMemoryDraft, 'title' | 'body' | 'kind' | 'tags' | 'paths' | 'links'>
>;

/** What checking links needs from outside: the sessions of the store, and the project's git. */
export interface LinkTargets {
  /** Full ids of the sessions whose id is `idOrPrefix` or starts with it (at most two). */
  findSessions(idOrPrefix: string): string[];
  /** The same for the project's tasks (deleted ones excepted); without it, task links are refused. */
  findTasks?: ((idOrPrefix: string) => string[]) | undefined;
  /** Whether `sha` names a commit of the project; without it, commit links are refused. */
  commitExists?: ((sha: string) => boolean) | undefined;
}

const count = (value: number) => value.toLocaleString('en-US');
/** Characters as a person counts them (code points), not UTF-16 units. */
const characters = (value: string) => [...value].length;
const controlCharacters = /\p{Cc}/u;
const kindList = MEMORY_KINDS.join(', ');

const Title = z
  .string({ error: 'the title must be text' })
  .transform((value) => value.trim())
  .pipe(
    z
      .string()
      .min(1, { error: 'the title is empty (give a one-line summary)' })
      .refine((value) => !controlCharacters.test(value), {
        error: 'the title must be a single line (no line breaks or control characters)',
      })
      .refine((value) => characters(value) <= MEMORY_LIMITS.titleCharacters, {
        error: (issue) =>
          `the title is ${count(characters(issue.input as string))} characters, over the limit ` +
          `of ${MEMORY_LIMITS.titleCharacters} (put the details in the body)`,
      }),
  );

/** Line ends become `\n`; blank lines before the text and whitespace after it are dropped. */
export function normalizeBody(body: string): string {
  return body
    .replace(/\r\n?/g, '\n')
    .replace(/^(?:[ \t]*\n)+/, '')
    .trimEnd();
}

const Body = z
  .string({ error: 'the body must be text' })
  .transform(normalizeBody)
  .pipe(
    z
      .string()
      .min(1, { error: 'the body is empty (say what to remember)' })
      .refine((value) => !/[^\P{Cc}\n\t]/u.test(value), {
        error: 'the body contains control characters (only line breaks and tabs are allowed)',
      })
      .refine((value) => characters(value) <= MEMORY_LIMITS.bodyCharacters, {
        error: (issue) =>
          `the body is ${count(characters(issue.input as string))} characters, over the limit ` +
          `of ${count(MEMORY_LIMITS.bodyCharacters)} (shorten it or split it into several records)`,
      }),
  );

const Kind = z.enum(MEMORY_KINDS, {
  error: (issue) =>
    issue.input === undefined
      ? `the kind is missing (use one of: ${kindList})`
      : `unknown kind ${JSON.stringify(issue.input)} (use one of: ${kindList})`,
});

const Tag = z
  .string({ error: 'each tag must be text' })
  .transform((value) => value.trim())
  .superRefine((value, context) => {
    const problem =
      value === ''
        ? 'a tag is empty'
        : /[\s,`]|\p{Cc}/u.test(value)
          ? `tag ${JSON.stringify(value)} contains a space, comma or backtick (a tag is one word like build or ci-flake)`
          : characters(value) > MEMORY_LIMITS.tagCharacters
            ? `tag ${JSON.stringify(value)} is longer than ${MEMORY_LIMITS.tagCharacters} characters`
            : undefined;
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  });

const unique = <T>(values: readonly T[], key: (value: T) => string = String): T[] => {
  const seen = new Set<string>();
  return values.filter((value) => {
    const identity = key(value);
    if (seen.has(identity)) return false;
    seen.add(identity);
    return true;
  });
};

const Tags = z
  .array(Tag, { error: 'tags must be a list of words' })
  .transform((tags) => unique(tags))
  .refine((tags) => tags.length <= MEMORY_LIMITS.tags, {
    error: `a record has at most ${MEMORY_LIMITS.tags} tags`,
  });

/**
 * A project-relative path, written the one way: forward slashes, no `./`, no trailing slash.
 * Returns a problem instead when the path is absolute, leaves the project or is not a path.
 */
export function normalizeMemoryPath(raw: string): { path: string } | { problem: string } {
  const quoted = JSON.stringify(raw);
  const value = raw.trim().replace(/\\/g, '/');
  if (value === '') return { problem: 'a path is empty' };
  if (controlCharacters.test(value) || value.includes('`')) {
    return { problem: `path ${quoted} contains control characters or a backtick` };
  }
  if (value.startsWith('/') || value.startsWith('~') || /^[A-Za-z]:/.test(value)) {
    return { problem: `path ${quoted} is absolute (give it relative to the project root)` };
  }
  if (value.split('/').includes('..')) {
    return { problem: `path ${quoted} contains '..' (give a path inside the project)` };
  }
  const path = posix.normalize(value).replace(/\/+$/, '');
  if (path === '.' || path === '') {
    return { problem: `path ${quoted} is the whole project (leave paths out instead)` };
  }
  if (characters(path) > MEMORY_LIMITS.pathCharacters) {
    return {
      problem: `path ${quoted} is longer than ${MEMORY_LIMITS.pathCharacters} characters`,
    };
  }
  return { path };
}

const MemoryPath = z.string({ error: 'each path must be text' }).transform((value, context) => {
  const result = normalizeMemoryPath(value);
  if ('path' in result) return result.path;
  context.addIssue({ code: 'custom', message: result.problem });
  return z.NEVER;
});

const Paths = z
  .array(MemoryPath, { error: 'paths must be a list of project-relative paths' })
  .transform((paths) => unique(paths))
  .refine((paths) => paths.length <= MEMORY_LIMITS.paths, {
    error: `a record names at most ${MEMORY_LIMITS.paths} paths`,
  });

const Link = z.object(
  {
    type: z.enum(['commit', 'session', 'task'], {
      error: (issue) =>
        `unknown link type ${JSON.stringify(issue.input)} (use commit, session or task)`,
    }),
    id: z
      .string({ error: 'a link needs an id (a commit hash, a session id or a task id)' })
      .trim()
      .min(1, { error: 'a link needs an id (a commit hash, a session id or a task id)' }),
  },
  { error: 'a link must be { type, id }' },
);

const Links = z
  .array(Link, { error: 'links must be a list of { type, id }' })
  .refine((links) => links.length <= MEMORY_LIMITS.links, {
    error: `a record has at most ${MEMORY_LIMITS.links} links`,
  });

const Model = z
  .string({ error: 'the model must be text' })
  .trim()
  .min(1, { error: 'the model is empty' })
  .max(MEMORY_LIMITS.modelCharacters, { error: 'the model name is too long' });

export const MemoryStatusInput = z.enum(MEMORY_STATUSES, {
  error: (issue) =>
    `${issue.input === undefined ? 'the status is missing' : `unknown status ${JSON.stringify(issue.input)}`} ` +
    `(use one of: ${MEMORY_STATUSES.join(', ')})`,
});

const MemoryDraftInput = z.strictObject(
  {
    title: Title,
    body: Body,
    kind: Kind,
    tags: Tags.optional(),
    paths: Paths.optional(),
    links: Links.optional(),
    status: MemoryStatusInput,
    session: z.string({ error: 'the session must be a session id' }).min(1).optional(),
    model: Model.optional(),
  },
  { error: 'a memory record must be an object' },
);

const MemoryPatchInput = z.strictObject(
  {
    title: Title.optional(),
    body: Body.optional(),
    kind: Kind.optional(),
    tags: Tags.optional(),
    paths: Paths.optional(),
    links: Links.optional(),
  },
  { error: 'a change must be an object' },
);

/** The problems zod found, one sentence each (the messages above name their field). */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const names = issue.keys.map((key) => JSON.stringify(key)).join(', ');
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${names}`;
    }
    if (issue.code === 'invalid_type' && issue.path.length > 0 && issue.input === undefined) {
      return `the ${issue.path.join('.')} is missing`;
    }
    return issue.message;
  });
}

/**
 * Checks each link and returns them as stored (session and task links by full id); problems go to
 * `problems`. Tasks use it too.
 */
export function checkLinks(
  links: readonly MemoryLink[],
  targets: LinkTargets,
  problems: string[],
): MemoryLink[] {
  const checked = links.flatMap((link): MemoryLink[] => {
    const quoted = JSON.stringify(link.id);
    if (link.type === 'commit') {
      if (!/^[0-9a-fA-F]{4,64}$/.test(link.id)) {
        problems.push(`link to commit ${quoted}: that is not a commit hash`);
        return [];
      }
      if (targets.commitExists === undefined) {
        problems.push(
          `link to commit ${quoted}: commits cannot be checked here (no git repository)`,
        );
        return [];
      }
      if (!targets.commitExists(link.id)) {
        problems.push(`link to commit ${quoted}: there is no such commit in the project`);
        return [];
      }
      return [{ type: 'commit', id: link.id.toLowerCase() }];
    }
    const found =
      link.id.length < 4
        ? []
        : link.type === 'task'
          ? (targets.findTasks?.(link.id) ?? [])
          : targets.findSessions(link.id);
    const [only, another] = found;
    if (only === undefined) {
      problems.push(`link to ${link.type} ${quoted}: there is no such ${link.type}`);
      return [];
    }
    if (another !== undefined) {
      problems.push(
        `link to ${link.type} ${quoted}: several ${link.type}s start with it (give more of the id)`,
      );
      return [];
    }
    return [{ type: link.type, id: only }];
  });
  return unique(checked, (link) => `${link.type}:${link.id}`);
}

/** Validates a new record; throws a `MemoryError` listing every problem. */
export function validateDraft(input: unknown, targets: LinkTargets): ValidMemoryDraft {
  const parsed = MemoryDraftInput.safeParse(input);
  if (!parsed.success) {
    // Links that are well formed are checked too, so one message lists every problem.
    const problems = describeIssues(parsed.error);
    const links = Links.safeParse((input as { links?: unknown } | null)?.links);
    if (links.success) checkLinks(links.data, targets, problems);
    throw new MemoryError(problems, { cause: parsed.error });
  }
  const { tags = [], paths = [], links = [], session, model, ...rest } = parsed.data;
  const problems: string[] = [];
  const checkedLinks = checkLinks(links, targets, problems);
  if (session !== undefined && !targets.findSessions(session).includes(session)) {
    problems.push(`the session ${JSON.stringify(session)} that wrote it does not exist`);
  }
  if (problems.length > 0) throw new MemoryError(problems);
  return {
    ...rest,
    tags,
    paths,
    links: checkedLinks,
    ...(session === undefined ? {} : { session }),
    ...(model === undefined ? {} : { model }),
  };
}

/** Validates a change to a record; an empty change is refused. */
export function validatePatch(input: unknown, targets: LinkTargets): ValidMemoryPatch {
  const parsed = MemoryPatchInput.safeParse(input);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error);
    const links = Links.safeParse((input as { links?: unknown } | null)?.links);
    if (links.success) checkLinks(links.data, targets, problems);
    throw new MemoryError(problems, { cause: parsed.error });
  }
  const patch: ValidMemoryPatch = {};
  for (const [field, value] of Object.entries(parsed.data)) {
    if (value !== undefined) Object.assign(patch, { [field]: value });
  }
  if (Object.keys(patch).length === 0) {
    throw new MemoryError([
      'nothing to change (give at least one of title, body, kind, tags, paths, links)',
    ]);
  }
  if (patch.links === undefined) return patch;
  const problems: string[] = [];
  patch.links = checkLinks(patch.links, targets, problems);
  if (problems.length > 0) throw new MemoryError(problems);
  return patch;
}

/** The title and links rules, shared with tasks (`task-validation.ts`). */
export { Links as RecordLinks, Title as RecordTitle };
