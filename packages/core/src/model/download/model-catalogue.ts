import { NotFoundError } from '../../errors/not-found-error.js';
import { modelFileNameFromUrl, parseDownloadUrl } from './model-file-name.js';

/** A well-known GGUF model `outpost models pull NAME` can fetch without a URL. */
export interface ModelCatalogueEntry {
  /** Short name used on the command line and as the file name (`NAME.gguf`). */
  name: string;
  description: string;
  /** Direct download URL of the GGUF file. */
  url: string;
  /** Exact size in bytes, when a source stated it; undefined otherwise. */
  sizeBytes: number | undefined;
  /** Lowercase hex SHA-256 of the file, when a source stated it; undefined otherwise. */
  sha256: string | undefined;
  /** The context length the model was trained for, in tokens. */
  contextLength: number;
  /** SPDX id or the publisher's license name. */
  license: string;
}

/*
 * Where the figures come from. Every file is the Q4_K_M quantisation in Qwen's own GGUF
 * repository, and every URL is pinned to a commit (`resolve/<commit>/`, not `resolve/main/`) so
 * the checksum cannot go stale if the branch moves; each commit is one that `main` pointed to.
 *
 * - sha256, sizeBytes and the commit: the Git LFS object id and size of the file at that commit,
 *   as quoted by public projects that pin these files (found through a public code index; none
 *   was taken from memory). The main source is the pinned model table in download.rs of
 *   diffmind, a Rust code-review CLI (a version newer than the thinkgrid-labs/diffmind snapshot
 *   that could be opened), which gives commit, sha256 and bytes for all four and says they come
 *   from the Hugging Face API (`.lfs.oid`, `.lfs.size` of `tree/main`). Each figure was matched
 *   in at least one more independent project:
 *   - 0.5B ebb2015…, 1d961463…, 491,400,064 B: a Dockerfile pinning the same commit, digest and
 *     size; a benchmark report that hashed the file on two machines.
 *   - 1.5B f86cb2c…, cc324af0…, 1,117,320,768 B: a Kotlin catalogue pinning the same commit; a Go
 *     test asserting the same size and digest.
 *   - 3B f74adce…, 724fb256…, 2,104,932,800 B: a Swift test asserting the same commit, size and
 *     digest; a Python manifest test asserting size and digest.
 *   - 7B 13fb94b…, 509287f7…, 4,683,073,536 B: a TypeScript catalogue pinning the same commit,
 *     size and digest; the same two-machine benchmark report.
 * - contextLength: Qwen's model cards for these repositories ("Context Length: Full 32,768
 *   tokens"), e.g. https://huggingface.co/Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF.
 * - license: the model cards' metadata: apache-2.0, except the 3B card, which says
 *   `license_name: qwen-research` (https://huggingface.co/Qwen/Qwen2.5-Coder-3B-Instruct-GGUF,
 *   README at a039dee), a research license that does not allow commercial use.
 */
const huggingFace = 'https://huggingface.co';

/** Outpost's built-in models, smallest first. */
export const modelCatalogue: readonly ModelCatalogueEntry[] = [
  {
    name: 'qwen2.5-coder-0.5b',
    description:
      'Qwen2.5-Coder 0.5B Instruct, Q4_K_M (0.5 GB). Tiny and fast on any machine; good for ' +
      'completions and short edits, weak at multi-step work.',
    url: `${huggingFace}/Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF/resolve/ebb2015119c907b064c512bf053e945850b5875f/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf`,
    sizeBytes: 491_400_064,
    sha256: '1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32',
    contextLength: 32_768,
    license: 'apache-2.0',
  },
  {
    name: 'qwen2.5-coder-1.5b',
    description:
      'Qwen2.5-Coder 1.5B Instruct, Q4_K_M (1.1 GB). Runs on a laptop CPU with about 4 GB of ' +
      'free memory; a sensible first model.',
    url: `${huggingFace}/Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/resolve/f86cb2c1fa58255f8052cc32aeede1b7482d4361/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf`,
    sizeBytes: 1_117_320_768,
    sha256: 'cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046',
    contextLength: 32_768,
    license: 'apache-2.0',
  },
  {
    name: 'qwen2.5-coder-3b',
    description:
      'Qwen2.5-Coder 3B Instruct, Q4_K_M (2.1 GB). Noticeably better at code than 1.5B; needs ' +
      'about 6 GB of free memory. Research license: not for commercial use.',
    url: `${huggingFace}/Qwen/Qwen2.5-Coder-3B-Instruct-GGUF/resolve/f74adce6aa16316c625447af059dbebe4983757c/qwen2.5-coder-3b-instruct-q4_k_m.gguf`,
    sizeBytes: 2_104_932_800,
    sha256: '724fb256bec1ff062b2f65e4569e871ad2e95ab2a3989723d1769c54294730b7',
    contextLength: 32_768,
    license: 'qwen-research',
  },
  {
    name: 'qwen2.5-coder-7b',
    description:
      'Qwen2.5-Coder 7B Instruct, Q4_K_M (4.7 GB). The strongest of these for agent work; ' +
      'needs about 8 GB of free memory and is slow without a GPU.',
    url: `${huggingFace}/Qwen/Qwen2.5-Coder-7B-Instruct-GGUF/resolve/13fb94bfda8c8cf22497dc57b78f391a9acb426a/qwen2.5-coder-7b-instruct-q4_k_m.gguf`,
    sizeBytes: 4_683_073_536,
    sha256: '509287f78cb4d4cf6b3843734733b914b2c158e43e22a7f4bf5e963800894d3c',
    contextLength: 32_768,
    license: 'apache-2.0',
  },
];

/** The catalogue entry with this name, ignoring case and surrounding spaces. */
export function findCatalogueEntry(
  name: string,
  catalogue: readonly ModelCatalogueEntry[] = modelCatalogue,
): ModelCatalogueEntry | undefined {
  const wanted = name.trim().toLowerCase();
  return catalogue.find((entry) => entry.name.toLowerCase() === wanted);
}

/** What `outpost models pull` should download, and what to check it against. */
export interface PullTarget {
  url: string;
  /** The final file name in the models folder, `NAME.gguf`. */
  fileName: string;
  sha256?: string;
  sizeBytes?: number;
  /** The catalogue entry, when the target is a built-in model. */
  entry?: ModelCatalogueEntry;
}

/**
 * Resolves the argument of `outpost models pull`: a catalogue name (saved as `NAME.gguf`, checked
 * against the catalogue's size and checksum), or an http(s) URL of a `.gguf` file (saved under
 * the URL's file name; unverified unless it is a catalogue entry's URL). Throws `NotFoundError`
 * listing the built-in names for an unknown name, `ModelDownloadError` for an unusable URL.
 */
export function resolvePullTarget(
  nameOrUrl: string,
  catalogue: readonly ModelCatalogueEntry[] = modelCatalogue,
): PullTarget {
  const text = nameOrUrl.trim();
  if (text.includes('://')) {
    const url = parseDownloadUrl(text);
    const known = catalogue.find((entry) => entry.url === url.href);
    if (known !== undefined) return fromEntry(known);
    return { url: url.href, fileName: modelFileNameFromUrl(url.href) };
  }
  const entry = findCatalogueEntry(text, catalogue);
  if (entry !== undefined) return fromEntry(entry);
  const names = catalogue.map((candidate) => candidate.name).join(', ');
  const looksLikePath = /[/\\]/.test(text) || text.toLowerCase().endsWith('.gguf');
  const hint = looksLikePath
    ? ' For a GGUF file already on this machine, run `outpost models add PATH`.'
    : '';
  throw new NotFoundError(
    `There is no built-in model named "${text}". Built-in models: ${names}. Or give the ` +
      `https:// URL of a .gguf file.${hint}`,
  );
}

function fromEntry(entry: ModelCatalogueEntry): PullTarget {
  return {
    url: entry.url,
    fileName: `${entry.name}.gguf`,
    ...(entry.sha256 === undefined ? {} : { sha256: entry.sha256 }),
    ...(entry.sizeBytes === undefined ? {} : { sizeBytes: entry.sizeBytes }),
    entry,
  };
}
