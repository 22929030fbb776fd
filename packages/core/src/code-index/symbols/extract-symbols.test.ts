import { describe, expect, it } from 'vitest';
import type { CodeLanguage } from './code-language.js';
import { extractSymbols } from './extract-symbols.js';
import type { SymbolDefinition } from './file-symbols.js';

function definition(
  name: string,
  kind: SymbolDefinition['kind'],
  startLine: number,
  endLine: number,
  container?: string,
): SymbolDefinition {
  return container === undefined
    ? { name, kind, startLine, endLine }
    : { name, kind, startLine, endLine, container };
}

interface LanguageCase {
  language: CodeLanguage;
  title: string;
  source: string;
  definitions: SymbolDefinition[];
  /** `line:name` references that must be found. */
  references: string[];
  /** `line:name` of definition names, which are not references. */
  notReferences: string[];
}

const cases: LanguageCase[] = [
  {
    language: 'typescript',
    title: 'TypeScript',
    source: `import { readFile } from 'node:fs/promises';
import type { Logger } from './logger.js';

export const DEFAULT_LIMIT = 20;

export interface Store {
  load(id: string): Promise<Record>;
}

export type Record = { id: string; body: string };

export class FileStore implements Store {
  constructor(private readonly logger: Logger) {}

  async load(id: string): Promise<Record> {
    const body = await readFile(pathFor(id), 'utf8');
    this.logger.info(\`loaded \${id}\`);
    return { id, body };
  }
}

function pathFor(id: string): string {
  return \`\${id}.json\`;
}

export const createStore = (logger: Logger): Store => new FileStore(logger);
`,
    definitions: [
      definition('DEFAULT_LIMIT', 'constant', 4, 4),
      definition('Store', 'interface', 6, 8),
      definition('load', 'method', 7, 7, 'Store'),
      definition('Record', 'type', 10, 10),
      definition('FileStore', 'class', 12, 20),
      definition('constructor', 'method', 13, 13, 'FileStore'),
      definition('load', 'method', 15, 19, 'FileStore'),
      definition('pathFor', 'function', 22, 24),
      definition('createStore', 'function', 26, 26),
    ],
    references: ['1:readFile', '2:Logger', '12:Store', '16:pathFor', '17:info', '26:FileStore'],
    notReferences: ['12:FileStore', '22:pathFor'],
  },
  {
    language: 'tsx',
    title: 'TSX',
    source: `import { useState } from 'react';

interface Props {
  title: string;
}

export function Counter({ title }: Props) {
  const [count, setCount] = useState(0);
  return <Button label={title} onClick={() => setCount(count + 1)} />;
}

export default Counter;
`,
    definitions: [definition('Props', 'interface', 3, 5), definition('Counter', 'function', 7, 10)],
    references: ['1:useState', '7:Props', '9:Button', '9:setCount'],
    notReferences: ['7:Counter'],
  },
  {
    language: 'javascript',
    title: 'JavaScript (with JSX)',
    source: `const path = require('node:path');

class Cache {
  constructor() {
    this.entries = new Map();
  }

  get(key) {
    return this.entries.get(normalize(key));
  }

  clear = () => {
    this.entries.clear();
  };
}

function normalize(key) {
  return path.normalize(key);
}

export const render = () => <Panel cache={new Cache()} />;
`,
    definitions: [
      definition('path', 'constant', 1, 1),
      definition('Cache', 'class', 3, 15),
      definition('constructor', 'method', 4, 6, 'Cache'),
      definition('get', 'method', 8, 10, 'Cache'),
      definition('clear', 'method', 12, 14, 'Cache'),
      definition('normalize', 'function', 17, 19),
      definition('render', 'function', 21, 21),
    ],
    references: ['5:Map', '9:get', '9:normalize', '18:normalize', '21:Panel', '21:Cache'],
    notReferences: ['17:normalize', '3:Cache'],
  },
  {
    language: 'python',
    title: 'Python',
    source: `import os
from typing import Optional
from .models import Record as Rec

MAX_RETRIES = 3
_cache = {}


class Repository(BaseRepository):
    """Loads records from disk."""

    def __init__(self, root: str) -> None:
        self.root = root

    @property
    def size(self) -> int:
        return len(self.list_ids())

    def find(self, record_id: str) -> Optional[Rec]:
        path = os.path.join(self.root, record_id)
        return load_record(path)


def load_record(path):
    def parse(text):
        return Rec.from_json(text)
    with open(path) as handle:
        return parse(handle.read())
`,
    definitions: [
      definition('MAX_RETRIES', 'constant', 5, 5),
      definition('Repository', 'class', 9, 21),
      definition('__init__', 'method', 12, 13, 'Repository'),
      definition('size', 'method', 15, 17, 'Repository'),
      definition('find', 'method', 19, 21, 'Repository'),
      definition('load_record', 'function', 24, 28),
      definition('parse', 'function', 25, 26),
    ],
    references: [
      '2:Optional',
      '3:Record',
      '9:BaseRepository',
      '15:property',
      '17:list_ids',
      '20:join',
      '21:load_record',
      '26:from_json',
      '28:parse',
    ],
    notReferences: ['24:load_record', '9:Repository'],
  },
  {
    language: 'go',
    title: 'Go',
    source: `package store

import (
	"fmt"
	"os"
)

const MaxSize = 1024

type Store interface {
	Load(id string) (*Record, error)
}

type Record struct {
	ID   string
	Body []byte
}

type fileStore struct{ root string }

func (s *fileStore) Load(id string) (*Record, error) {
	body, err := os.ReadFile(s.path(id))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", id, err)
	}
	return &Record{ID: id, Body: body}, nil
}

func (s fileStore) path(id string) string { return s.root + "/" + id }

func New(root string) Store {
	return &fileStore{root: root}
}
`,
    definitions: [
      definition('MaxSize', 'constant', 8, 8),
      definition('Store', 'interface', 10, 12),
      definition('Load', 'method', 11, 11, 'Store'),
      definition('Record', 'class', 14, 17),
      definition('fileStore', 'class', 19, 19),
      definition('Load', 'method', 21, 27, 'fileStore'),
      definition('path', 'method', 29, 29, 'fileStore'),
      definition('New', 'function', 31, 33),
    ],
    references: [
      '11:Record',
      '21:fileStore',
      '22:ReadFile',
      '22:path',
      '24:Errorf',
      '26:Record',
      '31:Store',
    ],
    notReferences: ['31:New', '14:Record'],
  },
  {
    language: 'rust',
    title: 'Rust',
    source: `use std::collections::HashMap;
use std::fmt::{self, Display};

pub const MAX_SIZE: usize = 1024;

pub trait Store {
    fn load(&self, id: &str) -> Option<Record>;
}

#[derive(Debug, Clone)]
pub struct Record {
    pub id: String,
}

pub struct MemoryStore {
    records: HashMap<String, Record>,
}

impl Store for MemoryStore {
    fn load(&self, id: &str) -> Option<Record> {
        self.records.get(id).cloned()
    }
}

impl MemoryStore {
    pub fn new() -> Self {
        MemoryStore { records: HashMap::new() }
    }
}

pub enum Event {
    Loaded(Record),
}

pub fn describe(record: &Record) -> String {
    format!("{}", record.id)
}
`,
    definitions: [
      definition('MAX_SIZE', 'constant', 4, 4),
      definition('Store', 'interface', 6, 8),
      definition('load', 'method', 7, 7, 'Store'),
      definition('Record', 'class', 11, 13),
      definition('MemoryStore', 'class', 15, 17),
      definition('load', 'method', 20, 22, 'MemoryStore'),
      definition('new', 'method', 26, 28, 'MemoryStore'),
      definition('Event', 'enum', 31, 33),
      definition('describe', 'function', 35, 37),
    ],
    references: [
      '1:HashMap',
      '2:Display',
      '19:Store',
      '19:MemoryStore',
      '21:get',
      '27:new',
      '35:Record',
      '36:format',
    ],
    notReferences: ['11:Record', '35:describe'],
  },
  {
    language: 'java',
    title: 'Java',
    source: `package com.example.store;

import java.util.List;
import java.util.Optional;

public class RecordStore implements Store {
    private final Database database;

    public RecordStore(Database database) {
        this.database = database;
    }

    @Override
    public Optional<Record> load(String id) {
        List<Record> rows = database.query("select", id);
        return rows.stream().findFirst();
    }

    public enum Mode { READ, WRITE }

    interface Listener {
        void onLoad(Record record);
    }
}
`,
    definitions: [
      definition('RecordStore', 'class', 6, 24),
      definition('RecordStore', 'method', 9, 11, 'RecordStore'),
      definition('load', 'method', 13, 17, 'RecordStore'),
      definition('Mode', 'enum', 19, 19, 'RecordStore'),
      definition('Listener', 'interface', 21, 23, 'RecordStore'),
      definition('onLoad', 'method', 22, 22, 'Listener'),
    ],
    references: [
      '3:List',
      '6:Store',
      '7:Database',
      '13:Override',
      '15:query',
      '16:findFirst',
      '22:Record',
    ],
    notReferences: ['6:RecordStore'],
  },
  {
    language: 'c',
    title: 'C (parsed with the C++ grammar)',
    source: `#include <stdio.h>
#include "buffer.h"

#define BUFFER_SIZE 4096

struct buffer {
    char *data;
    size_t length;
};

typedef struct buffer buffer_t;

static int grow(buffer_t *buffer, size_t wanted);

buffer_t *buffer_new(void) {
    buffer_t *buffer = calloc(1, sizeof(buffer_t));
    grow(buffer, BUFFER_SIZE);
    return buffer;
}

static int grow(buffer_t *buffer, size_t wanted) {
    buffer->data = realloc(buffer->data, wanted);
    return buffer->data != NULL;
}
`,
    definitions: [
      definition('BUFFER_SIZE', 'constant', 4, 4),
      definition('buffer', 'class', 6, 9),
      definition('buffer_t', 'type', 11, 11),
      definition('grow', 'function', 13, 13),
      definition('buffer_new', 'function', 15, 19),
      definition('grow', 'function', 21, 24),
    ],
    references: ['11:buffer', '16:calloc', '17:grow', '22:realloc'],
    notReferences: ['15:buffer_new', '6:buffer'],
  },
  {
    language: 'cpp',
    title: 'C++',
    source: `#include <string>
#include <vector>

namespace store {

class Record {
 public:
  explicit Record(std::string id) : id_(std::move(id)) {}
  const std::string &id() const { return id_; }

 private:
  std::string id_;
};

class Store {
 public:
  virtual ~Store() = default;
  std::vector<Record> load(const std::string &prefix);
};

std::vector<Record> Store::load(const std::string &prefix) {
  std::vector<Record> records;
  records.push_back(Record(prefix));
  return records;
}

}  // namespace store

int main() {
  store::Store store;
  return store.load("a").size();
}
`,
    definitions: [
      definition('store', 'module', 4, 27),
      definition('Record', 'class', 6, 13, 'store'),
      definition('Record', 'method', 8, 8, 'Record'),
      definition('id', 'method', 9, 9, 'Record'),
      definition('Store', 'class', 15, 19, 'store'),
      definition('~Store', 'method', 17, 17, 'Store'),
      definition('load', 'method', 18, 18, 'Store'),
      definition('load', 'method', 21, 25, 'Store'),
      definition('main', 'function', 29, 32),
    ],
    references: ['8:move', '18:Record', '23:push_back', '30:Store', '31:load', '31:size'],
    notReferences: ['15:Store', '29:main'],
  },
  {
    language: 'ruby',
    title: 'Ruby',
    source: `require 'json'

module Storage
  VERSION = '1.0'

  class Repository < BaseRepository
    def initialize(root)
      @root = root
    end

    def find(id)
      data = File.read(path_for(id))
      Record.new(JSON.parse(data))
    end

    def self.open(root)
      new(root)
    end

    private

    def path_for(id)
      File.join(@root, "#{id}.json")
    end
  end
end

def main
  Storage::Repository.open('.').find('a')
end
`,
    definitions: [
      definition('Storage', 'module', 3, 26),
      definition('VERSION', 'constant', 4, 4, 'Storage'),
      definition('Repository', 'class', 6, 25, 'Storage'),
      definition('initialize', 'method', 7, 9, 'Repository'),
      definition('find', 'method', 11, 14, 'Repository'),
      definition('open', 'method', 16, 18, 'Repository'),
      definition('path_for', 'method', 22, 24, 'Repository'),
      definition('main', 'function', 28, 30),
    ],
    references: [
      '1:require',
      '6:BaseRepository',
      '12:path_for',
      '13:Record',
      '13:new',
      '29:Repository',
      '29:open',
      '29:find',
    ],
    notReferences: ['11:find', '6:Repository'],
  },
];

describe('extractSymbols', () => {
  for (const example of cases) {
    it(`extracts ${example.title} definitions and references`, async () => {
      const symbols = await extractSymbols(example.language, example.source);
      expect(symbols.definitions).toEqual(example.definitions);
      const references = symbols.references.map(
        (reference) => `${reference.line}:${reference.name}`,
      );
      expect(references).toEqual(expect.arrayContaining(example.references));
      for (const definitionName of example.notReferences) {
        expect(references).not.toContain(definitionName);
      }
      expect(new Set(references).size).toBe(references.length);
    });
  }
});

describe('extractSymbols on bad input', () => {
  const broken: Record<CodeLanguage, string> = {
    typescript: 'export class A {\n  method( {\n    call(\n',
    tsx: 'export function View() {\n  return <div><Widget </div>\n',
    javascript: 'function f( {\n  g(\n}\n}}}',
    python: 'class A:\n    def m(self):\n        return helper(]\n\ndef ok():\n    return 1\n',
    go: 'package p\nfunc (s *S) M( {\n\tcall(\n',
    rust: 'impl S {\n    fn m(&self {\n        call(\n',
    java: 'class A {\n  void m( {\n    call(\n',
    c: 'int f(int x {\n  return g(x;\n',
    cpp: 'namespace n {\nclass A {\n  void m() { call(\n',
    ruby: 'class A\n  def m(x\n    call(\n',
  };

  for (const [language, source] of Object.entries(broken) as [CodeLanguage, string][]) {
    it(`returns what it found in broken ${language} source without throwing`, async () => {
      const symbols = await extractSymbols(language, source);
      expect(Array.isArray(symbols.definitions)).toBe(true);
      for (const found of symbols.definitions) {
        expect(found.startLine).toBeGreaterThanOrEqual(1);
        expect(found.endLine).toBeGreaterThanOrEqual(found.startLine);
      }
    });
  }

  it('still finds the intact definitions after a syntax error', async () => {
    const symbols = await extractSymbols('python', broken.python);
    expect(symbols.definitions).toContainEqual(definition('ok', 'function', 5, 6));
  });

  it('handles empty source and binary-looking text', async () => {
    expect(await extractSymbols('rust', '')).toEqual({ definitions: [], references: [] });
    const garbage = await extractSymbols('java', '\u0000\u0001\uffff}{)(');
    expect(garbage.definitions).toEqual([]);
  });

  it('gives the same answers to concurrent calls across languages', async () => {
    const runs = await Promise.all(
      [...cases, ...cases].map((example) => extractSymbols(example.language, example.source)),
    );
    runs.forEach((symbols, index) => {
      const example = cases[index % cases.length];
      expect(symbols.definitions).toEqual(example?.definitions);
    });
  });
});
