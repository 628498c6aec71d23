import { libraryConfig } from '@recur/tooling/tsup';

// `shims` gives the CJS build of the node entry an `import.meta.url` (for `createRequire`).
export default libraryConfig({ index: 'src/index.ts', node: 'src/node.ts' }, { shims: true });
