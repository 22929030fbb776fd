// Copies the text assets that sit beside the code (prompt and tool-description `.md` files)
// from each package's src/ into its dist/, keeping relative paths, so that code loading them
// with `new URL('./x.md', import.meta.url)` works from the build as it does from the sources.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packagesDirectory = join(root, 'packages');

function copyAssets(sourceDirectory, targetDirectory) {
  for (const entry of readdirSync(sourceDirectory)) {
    const sourcePath = join(sourceDirectory, entry);
    if (statSync(sourcePath).isDirectory()) {
      if (entry === '__fixtures__' || entry === '__snapshots__') continue;
      copyAssets(sourcePath, join(targetDirectory, entry));
    } else if (entry.endsWith('.md')) {
      cpSync(sourcePath, join(targetDirectory, entry));
    }
  }
}

for (const packageName of readdirSync(packagesDirectory)) {
  const source = join(packagesDirectory, packageName, 'src');
  const target = join(packagesDirectory, packageName, 'dist');
  if (!existsSync(source) || !existsSync(target)) continue;
  copyAssets(source, target);
  process.stdout.write(`assets: ${relative(root, source)} -> ${relative(root, target)}\n`);
}
