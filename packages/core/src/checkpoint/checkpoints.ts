import { existsSync } from 'node:fs';
import type { CheckpointEvent } from '@outpost/protocol';
import type { SpawnProcess } from '../tool/tool.js';
import { CheckpointError } from './checkpoint-error.js';
import { locateCheckpointRepository, privateGitDir } from './checkpoint-repository.js';
import type { CheckpointRepository, CheckpointRepositoryKind } from './checkpoint-repository.js';
import { applyTreeChanges } from './restore-tree.js';
import type { RestoreResult } from './restore-tree.js';
import {
  commitSnapshot,
  currentHead,
  readSnapshotFacts,
  readTreeEntries,
  writeSnapshotTree,
} from './snapshot-commit.js';
import { treeChanges } from './tree-changes.js';
import type { TreeChange } from './tree-changes.js';
import { DEFAULT_SCAN_LIMITS, scanWorkingTree } from './working-tree-scan.js';
import type { ScanLimits } from './working-tree-scan.js';

export interface CheckpointsOptions {
  /** Absolute, symlink-resolved project root. */
  projectRoot: string;
  /** Outpost's data directory (OUTPOST_HOME): private repositories for projects outside git. */
  dataDirectory: string;
  env?: NodeJS.ProcessEnv;
  limits?: Partial<ScanLimits>;
  spawn?: SpawnProcess;
  /** Milliseconds since the epoch, in the names of undo refs. */
  now?: () => number;
}

/** A snapshot to put back or compare with, as a `checkpoint` event names it. */
export interface CheckpointTarget {
  commit: string;
  repository: CheckpointRepositoryKind;
}

export interface RestorePlan {
  /** From the working tree now to the snapshot, by path. */
  changes: TreeChange[];
  /** Files the snapshot left out (too large, unreadable): never deleted, never put back. */
  leftOut: string[];
  /** A project repository whose HEAD moved since the snapshot: commits a restore does not undo. */
  headMoved?: { then: string | undefined; now: string | undefined };
}

export interface RestoreOutcome {
  plan: RestorePlan;
  result: RestoreResult;
  /** The `checkpoint` event to record: the tree the restore replaced. Absent when nothing changed. */
  event?: CheckpointEvent;
}

/** Checkpoints and undo for one project (docs/architecture/checkpoints.md). */
export interface Checkpoints {
  /** Snapshots the working tree as `refs/outpost/checkpoints/<session>`; throws a CheckpointError. */
  take(sessionId: string): Promise<CheckpointEvent>;
  /** What putting `target` back would change; writes nothing at all. */
  plan(target: CheckpointTarget): Promise<RestorePlan>;
  /**
   * Puts `target` back. First the tree it replaces is saved (`refs/outpost/undo/<session>/<ms>`,
   * whose parent is `target`), so the restore can itself be undone.
   */
  restore(
    target: CheckpointTarget,
    options: { sessionId: string; reason: 'undo' | 'redo' },
  ): Promise<RestoreOutcome>;
  /** `git diff` from `target` to the working tree now (`--stat` with `stat`). */
  diff(
    target: CheckpointTarget,
    options: { stat: boolean; color: boolean },
  ): Promise<{ text: string; changes: TreeChange[] }>;
}

export function createCheckpoints(options: CheckpointsOptions): Checkpoints {
  const { projectRoot, dataDirectory } = options;
  const env = options.env ?? process.env;
  const limits: ScanLimits = { ...DEFAULT_SCAN_LIMITS, ...options.limits };
  const now = options.now ?? (() => Date.now());
  const spawn = options.spawn === undefined ? {} : { spawn: options.spawn };

  const scan = (repository: CheckpointRepository, write: boolean) =>
    scanWorkingTree({ repository, write, limits });

  /** The repository holding `target`, once the snapshot is known to be there. */
  async function open(target: CheckpointTarget): Promise<CheckpointRepository> {
    const missing = (where: string, cause?: unknown) =>
      new CheckpointError(
        `Checkpoint ${target.commit.slice(0, 10)} is not in ${where}: it was taken on another ` +
          'machine, or the repository was cloned or removed since. Nothing was changed.',
        { cause },
      );
    if (target.repository === 'outpost' && !existsSync(privateGitDir(dataDirectory, projectRoot))) {
      throw missing(`Outpost's private repository for ${projectRoot}`);
    }
    const repository = await locateCheckpointRepository({
      projectRoot,
      dataDirectory,
      env,
      kind: target.repository,
      ...spawn,
    });
    try {
      await repository.git.run(['cat-file', '-e', `${target.commit}^{commit}`]);
    } catch (error) {
      throw missing(repository.description, error);
    }
    return repository;
  }

  async function planFor(
    repository: CheckpointRepository,
    target: CheckpointTarget,
    write: boolean,
  ) {
    const [entries, facts, current] = await Promise.all([
      readTreeEntries(repository.git, target.commit),
      readSnapshotFacts(repository.git, target.commit),
      scan(repository, write),
    ]);
    const plan: RestorePlan = {
      changes: treeChanges(current.entries, entries, new Set(facts.leftOut)),
      leftOut: facts.leftOut,
    };
    if (repository.kind === 'project') {
      const head = await currentHead(repository.git);
      if (head !== facts.head) plan.headMoved = { then: facts.head, now: head };
    }
    return { plan, current };
  }

  return {
    async take(sessionId) {
      const repository = await locateCheckpointRepository({
        projectRoot,
        dataDirectory,
        env,
        ...spawn,
      });
      const current = await scan(repository, true);
      const tree = await writeSnapshotTree(repository.git, current.entries);
      const head = repository.kind === 'project' ? await currentHead(repository.git) : undefined;
      const ref = `refs/outpost/checkpoints/${sessionId}`;
      const commit = await commitSnapshot(repository.git, {
        tree,
        ...(head === undefined ? {} : { parent: head }),
        title: `Outpost checkpoint: the working tree before session ${sessionId} changed it`,
        facts: { ...(head === undefined ? {} : { head }), leftOut: current.leftOut },
        ref,
      });
      return {
        type: 'checkpoint',
        reason: 'before-write',
        commit,
        ref,
        repository: repository.kind,
        files: current.entries.length,
        leftOut: current.leftOut,
      };
    },

    async plan(target) {
      const repository = await open(target);
      return (await planFor(repository, target, false)).plan;
    },

    async restore(target, restoreOptions) {
      const { sessionId, reason } = restoreOptions;
      const repository = await open(target);
      const { plan, current } = await planFor(repository, target, true);
      if (plan.changes.length === 0) {
        return { plan, result: { written: 0, deleted: 0, failures: [] } };
      }
      const tree = await writeSnapshotTree(repository.git, current.entries);
      const head = repository.kind === 'project' ? await currentHead(repository.git) : undefined;
      const ref = `refs/outpost/undo/${sessionId}/${now()}`;
      const commit = await commitSnapshot(repository.git, {
        tree,
        parent: target.commit,
        title: `Outpost ${reason} of session ${sessionId}: the working tree it replaced`,
        facts: { ...(head === undefined ? {} : { head }), leftOut: current.leftOut },
        ref,
      });
      const result = await applyTreeChanges({ repository, changes: plan.changes });
      return {
        plan,
        result,
        event: {
          type: 'checkpoint',
          reason,
          commit,
          ref,
          repository: repository.kind,
          files: current.entries.length,
          leftOut: current.leftOut,
          restored: { commit: target.commit, written: result.written, deleted: result.deleted },
        },
      };
    },

    async diff(target, diffOptions) {
      const repository = await open(target);
      const [entries, current] = await Promise.all([
        readTreeEntries(repository.git, target.commit),
        scan(repository, true),
      ]);
      const tree = await writeSnapshotTree(repository.git, current.entries);
      const output = await repository.git.run([
        'diff',
        '--no-ext-diff',
        `--color=${diffOptions.color ? 'always' : 'never'}`,
        ...(diffOptions.stat ? ['--stat'] : []),
        target.commit,
        tree,
      ]);
      return { text: output.toString('utf8'), changes: treeChanges(current.entries, entries) };
    },
  };
}
