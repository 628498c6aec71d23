import { libraryConfig } from '@recur/tooling/tsup';

export default libraryConfig({ index: 'src/index.ts', node: 'src/node/index.ts' });
