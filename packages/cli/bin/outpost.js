#!/usr/bin/env node
// The built CLI lives in dist/; this file exists before the first build so that npm can link it.
import('../dist/main.js').then(
  (module) => module.main(process.argv),
  (error) => {
    if (
      error &&
      error.code === 'ERR_MODULE_NOT_FOUND' &&
      String(error.message).includes('dist/main.js')
    ) {
      console.error(
        'outpost: the CLI is not built yet. Run `npm run build` in the repository root.',
      );
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  },
);
