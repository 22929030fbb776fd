import type Database from 'better-sqlite3-multiple-ciphers';
import type { FileAnalysis } from './file-analysis.js';
import type { IndexDatabase } from './index-database.js';

/** Writes files into the index; every method is meant to run inside a transaction. */
export interface IndexWriter {
  /**
   * Replaces everything the index holds for the analysed file; `known` says whether the index may
   * hold anything for it (false for a path new to the index: nothing to delete first).
   */
  write(analysis: FileAnalysis, indexedAt: number, known: boolean): void;
  remove(relativePath: string): void;
}

/** Prepares the statements once per build; the writer is reused for every batch. */
export function createIndexWriter(db: IndexDatabase): IndexWriter {
  const statement = (sql: string): Database.Statement => db.prepare(sql);
  const deleteFts = statement(
    'DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE path = ?)',
  );
  const deleteChunks = statement('DELETE FROM chunks WHERE path = ?');
  const deleteDefinitions = statement('DELETE FROM definitions WHERE path = ?');
  const deleteReferences = statement('DELETE FROM symbol_references WHERE path = ?');
  const deleteFile = statement('DELETE FROM files WHERE path = ?');
  const upsertFile = statement(
    `INSERT INTO files (path, hash, size, mtime_ms, language, indexed_at, skip_reason, skip_detail)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (path) DO UPDATE SET hash = excluded.hash, size = excluded.size,
       mtime_ms = excluded.mtime_ms, language = excluded.language,
       indexed_at = excluded.indexed_at, skip_reason = excluded.skip_reason,
       skip_detail = excluded.skip_detail`,
  );
  const touchFile = statement(
    'UPDATE files SET size = ?, mtime_ms = ?, indexed_at = ? WHERE path = ?',
  );
  const insertDefinition = statement(
    `INSERT INTO definitions (path, name, kind, start_line, end_line, container)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const insertReference = statement(
    'INSERT INTO symbol_references (path, name, lines) VALUES (?, ?, ?)',
  );
  const insertChunk = statement(
    'INSERT INTO chunks (path, start_line, end_line, text, symbols) VALUES (?, ?, ?, ?, ?)',
  );
  const insertFts = statement(
    'INSERT INTO chunks_fts (rowid, path_words, symbol_words, text_words) VALUES (?, ?, ?, ?)',
  );

  const clear = (relativePath: string): void => {
    deleteFts.run(relativePath);
    deleteChunks.run(relativePath);
    deleteDefinitions.run(relativePath);
    deleteReferences.run(relativePath);
  };

  return {
    remove(relativePath) {
      clear(relativePath);
      deleteFile.run(relativePath);
    },
    write(analysis, indexedAt, known) {
      const { path } = analysis;
      if (analysis.kind === 'same-content') {
        touchFile.run(analysis.size, analysis.mtimeMs, indexedAt, path);
        return;
      }
      if (known) clear(path);
      if (analysis.kind === 'skipped') {
        upsertFile.run(
          path,
          null,
          analysis.size,
          analysis.mtimeMs,
          null,
          indexedAt,
          analysis.reason,
          analysis.detail ?? null,
        );
        return;
      }
      upsertFile.run(
        path,
        analysis.hash,
        analysis.size,
        analysis.mtimeMs,
        analysis.language ?? null,
        indexedAt,
        null,
        null,
      );
      for (const definition of analysis.definitions) {
        insertDefinition.run(
          path,
          definition.name,
          definition.kind,
          definition.startLine,
          definition.endLine,
          definition.container ?? null,
        );
      }
      for (const [name, lines] of linesByName(analysis.references)) {
        insertReference.run(path, name, lines.join(','));
      }
      const { words } = analysis;
      analysis.chunks.forEach((chunk, index) => {
        const { lastInsertRowid } = insertChunk.run(
          path,
          chunk.startLine,
          chunk.endLine,
          chunk.text,
          JSON.stringify(chunk.symbols),
        );
        const chunkWords = words.chunks[index];
        const text = `${chunk.text}\n${chunkWords?.extra ?? ''}`;
        insertFts.run(lastInsertRowid, words.path, chunkWords?.symbols ?? '', text);
      });
    },
  };
}

/** A file's references grouped by name, each name's lines ascending and distinct. */
function linesByName(references: readonly { name: string; line: number }[]): Map<string, number[]> {
  const byName = new Map<string, number[]>();
  for (const { name, line } of references) {
    const lines = byName.get(name);
    if (lines === undefined) byName.set(name, [line]);
    else if (!lines.includes(line)) lines.push(line);
  }
  for (const lines of byName.values()) lines.sort((left, right) => left - right);
  return byName;
}
